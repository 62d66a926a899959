/* SPDX-License-Identifier: Apache-2.0 */
/* run.h - one run: `run` streams a scenario (run.c), through the steps that
 * share a run_state (run_state.h: facts, stream, pace). It takes settled
 * settings (settle.h) and only reads them. The other commands are cmd/'s. */
#ifndef SHOPSTREAM_RUN_H
#define SHOPSTREAM_RUN_H

#include "options/config.h"
#include "base/topics.h"

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

/* run_command, handing every message the null sink takes to tap as well,
 * with the simulated time it is released at (verify builds what a run
 * published so). */
typedef void (*run_tap)(void *ctx, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                        int64_t timestamp_ms, int64_t release_ms);
int run_tapped(const run_config *rc, run_tap tap, void *tap_ctx);

#endif
