/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - shopstream's entry point: parse, settle, then run or plan.
 *
 * Where the shipped config/ and schemas/ live: $SHOPSTREAM_DATA_DIR, else the
 * directory CMake compiled in (the source tree, or the install prefix). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "run.h"
#include "settle.h"

#ifndef SHOPSTREAM_DATA_DIR
#define SHOPSTREAM_DATA_DIR "."
#endif

int main(int argc, char **argv) {
    run_install_signals();
    const char *data_dir = getenv("SHOPSTREAM_DATA_DIR");
    if (!data_dir || !*data_dir) data_dir = SHOPSTREAM_DATA_DIR;

    static run_config rc;
    cli_command cmd;
    char errstr[1024];
    int code = EXIT_USAGE;
    settle_env env;
    settle_env_here(&env, data_dir);
    if (cli_parse(argc, argv, data_dir, &cmd, &rc, errstr, sizeof errstr) != 0) {
        fprintf(stderr, "shopstream: %s\n", errstr);
    } else if (cmd == CLI_HELP) {
        cli_usage(stdout);
        code = EXIT_DONE;
    } else if (cmd == CLI_VERSION) {
        cli_version(stdout);
        code = EXIT_DONE;
    } else {
        env.probe_gpu = cmd == CLI_RUN;
        if (config_settle(&rc, &env, errstr, sizeof errstr) != 0) fprintf(stderr, "shopstream: %s\n", errstr);
        else code = cmd == CLI_RUN ? run_command(&rc) : plan_command(&rc);
    }
    config_free(&rc);
    return code;
}
