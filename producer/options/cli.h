/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h - the command line: `shopstream COMMAND [options]`, kcat-style flags.
 *
 * Options are the rows of options.c's table that have a flag; cli.c only
 * parses them over the config file (config_settle() decides the rest). */
#ifndef SHOPSTREAM_CLI_H
#define SHOPSTREAM_CLI_H

#include <stdio.h>

#include "config.h"

typedef enum cli_command {
    CLI_RUN,
    CLI_PLAN,
    CLI_EXPECT,
    CLI_VERIFY,
    CLI_HELP,
    CLI_HELP_MARKDOWN, /* --help; --help-markdown: the option reference (optdoc.h) */
    CLI_VERSION
} cli_command;

/* Loads the config file (-c, else the default one) and applies the options
 * over it. Returns 0, or -1 with one line in errstr (a usage error). */
int cli_parse(int argc, char **argv, const char *data_dir, cli_command *cmd, run_config *rc, char *errstr,
              size_t errlen);

void cli_usage(FILE *out);

#endif
