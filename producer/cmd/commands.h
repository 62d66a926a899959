/* SPDX-License-Identifier: Apache-2.0 */
/* commands.h - the commands beside `run` (run/run.h): `plan`, `expect`,
 * `verify` and `--version`. Each takes settled settings (settle.h), only
 * reads them, and returns an exit_code (run/run.h). They keep no state
 * between calls and take no locks; expect and verify run the generator
 * pool's threads, which own their own encoders. */
#ifndef SHOPSTREAM_COMMANDS_H
#define SHOPSTREAM_COMMANDS_H

#include <stdio.h>

#include "options/config.h"
#include "run/run.h"

/* Expected and drawn orders per simulated hour, what the scenario does in
 * each, and a bar chart; as CSV with --csv. */
int plan_command(const run_config *rc);

/* `shopstream verify`: reads the run's topics back from -b and compares
 * them with what the run publishes, message by message; EXIT_DONE only
 * when they hold exactly the run, EXIT_FAILED when they do not, EXIT_USAGE
 * for bad options or an unreachable broker. */
int verify_command(const run_config *rc);

/* `shopstream expect`: the run's answers (expect.h), as JSON or CSV on
 * stdout; EXIT_DONE, EXIT_USAGE with one line on stderr for bad options,
 * or EXIT_FAILED with one line when it runs out of memory or cannot write
 * its output (as verify). */
int expect_command(const run_config *rc);

/* "shopstream VERSION" and the options this build has. */
void version_command(FILE *out);

#endif
