/* main.c - shopstream's entry point: parse, then run or plan.
 *
 * Where the shipped config/ and schemas/ live: $SHOPSTREAM_DATA_DIR, else the
 * directory CMake compiled in (the source tree, or the install prefix). */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "engine.h"
#include "run.h"

#ifndef SHOPSTREAM_DATA_DIR
#define SHOPSTREAM_DATA_DIR "."
#endif

int main(int argc, char **argv) {
    const char *data_dir = getenv("SHOPSTREAM_DATA_DIR");
    if (!data_dir || !*data_dir) data_dir = SHOPSTREAM_DATA_DIR;

    static run_config rc;
    cli_command cmd;
    char errstr[1024];
    int code;
    if (cli_parse(argc, argv, data_dir, &cmd, &rc, errstr, sizeof errstr) != 0) {
        fprintf(stderr, "shopstream: %s\n", errstr);
        code = EXIT_USAGE;
    } else if (cmd == CLI_HELP) {
        cli_usage(stdout);
        code = EXIT_DONE;
    } else if (cmd == CLI_VERSION) {
        printf("shopstream %s\n", SHOPSTREAM_VERSION);
        code = EXIT_DONE;
    } else {
        code = cmd == CLI_RUN ? run_command(&rc) : plan_command(&rc, rc.csv);
    }
    config_free(&rc);
    return code;
}
