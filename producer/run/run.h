/* SPDX-License-Identifier: Apache-2.0 */
/* run.h - the two commands: `run` streams a scenario (run.c), `plan` prints
 * its rates (plan_cmd.c). Both take settled settings (settle.h) and only
 * read them. */
#ifndef SHOPSTREAM_RUN_H
#define SHOPSTREAM_RUN_H

#include "config.h"
#include "topics.h"

enum exit_code {
    EXIT_DONE = 0,        /* complete, every message delivered */
    EXIT_FAILED = 1,      /* something failed or was not delivered */
    EXIT_USAGE = 2,       /* bad options, config, schema, or unreachable brokers */
    EXIT_INTERRUPTED = 3, /* stopped by a signal; everything produced was delivered */
};

/* SIGINT and SIGTERM ask a run to stop (flush, summary, exit 3); SIGPIPE is
 * ignored. main installs them first, before anything can be published. */
void run_install_signals(void);

int run_command(const run_config *rc);

/* Expected and drawn orders per simulated hour, what the scenario does in
 * each, and a bar chart; as CSV with --csv. */
int plan_command(const run_config *rc);

/* run_command, handing every message the null sink takes to tap as well,
 * with the simulated time it is released at (verify builds what a run
 * published so). */
typedef void (*run_tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                        int64_t timestamp_ms, int64_t release_ms);
int run_tapped(const run_config *rc, run_tap tap, void *tap_ctx);

/* `shopstream verify`: reads the run's topics back from -b and compares
 * them with what the run publishes, message by message; EXIT_DONE only
 * when they hold exactly the run, EXIT_FAILED when they do not, EXIT_USAGE
 * for bad options or an unreachable broker. */
int verify_command(const run_config *rc);

/* `shopstream expect`: the run's answers (expect.h), as JSON or CSV on
 * stdout; EXIT_DONE, or EXIT_USAGE with one line on stderr. */
int expect_command(const run_config *rc);

#endif
