/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_cli.c - any command line (the input split at NUL bytes into
 * arguments after "run"): parsed and settled, or refused in one line. */
#include <stdlib.h>
#include <string.h>

#include "options/cli.h"
#include "fuzz_support.h"
#include "settle/settle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static run_config rc;
    char *text = malloc(size + 1), *argv[66] = { "shopstream", "run" };
    if (!text) abort();
    memcpy(text, data, size);
    text[size] = '\0';
    int argc = 2;
    for (size_t i = 0; i <= size && argc < 64;) {
        argv[argc++] = text + i;
        i += strlen(text + i) + 1;
    }
    argv[argc] = NULL;
    char err[1024];
    cli_command cmd;
    if (cli_parse(argc, argv, fuzz_source_dir(), &cmd, &rc, err, sizeof err) == 0) {
        settle_env env = { .data_dir = fuzz_source_dir(), .now_ms = INT64_C(1795700000000), .cores = 2 };
        if ((cmd == CLI_RUN || cmd == CLI_PLAN) && config_settle(&rc, &env, err, sizeof err) != 0 && !err[0])
            abort(); /* every refusal says why */
    } else if (!err[0]) {
        abort();
    }
    config_free(&rc);
    free(text);
    return 0;
}
