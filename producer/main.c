/* SPDX-License-Identifier: Apache-2.0 */
/* main.c - shopstream's entry point: parse, settle, then run, plan, expect or verify.
 *
 * Where the shipped config/ and schemas/ live: $SHOPSTREAM_DATA_DIR; else
 * share/shopstream beside the program's own prefix (<prefix>/bin/shopstream
 * finds <prefix>/share/shopstream, wherever `cmake --install` put it); else
 * the directory CMake compiled in (the source tree). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/output.h"
#include "cmd/commands.h"
#include "options/cli.h"
#include "options/optdoc.h"
#include "report/report.h"
#include "run/run.h"
#include "settle/settle.h"

#ifndef SHOPSTREAM_DATA_DIR
#define SHOPSTREAM_DATA_DIR "."
#endif

/* <prefix>/share/shopstream when this program is <prefix>/bin/shopstream
 * and that directory holds schemas/; NULL otherwise. */
static const char *installed_data_dir(void) {
    static char dir[PATH_MAX + 32];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return NULL;
    *slash = '\0'; /* <prefix>/bin */
    slash = strrchr(exe, '/');
    if (!slash || strcmp(slash, "/bin") != 0) return NULL;
    *slash = '\0';
    snprintf(dir, sizeof dir, "%s/share/shopstream", exe);
    char schemas[PATH_MAX + 64];
    snprintf(schemas, sizeof schemas, "%s/schemas/orders.avsc", dir);
    return access(schemas, R_OK) == 0 ? dir : NULL;
}

int main(int argc, char **argv) {
    run_install_signals();
    const char *data_dir = getenv("SHOPSTREAM_DATA_DIR");
    if (!data_dir || !*data_dir) data_dir = installed_data_dir();
    if (!data_dir) data_dir = SHOPSTREAM_DATA_DIR;

    static run_config rc;
    cli_command cmd;
    char errstr[1024];
    int code = EXIT_USAGE;
    settle_env env;
    settle_env_here(&env, data_dir);
    if (cli_parse(argc, argv, data_dir, &cmd, &rc, errstr, sizeof errstr) != 0) {
        report_line(stderr, errstr);
    } else if (cmd == CLI_HELP || cmd == CLI_HELP_MARKDOWN || cmd == CLI_VERSION) {
        code = EXIT_DONE;
        if (cmd == CLI_HELP)
            cli_usage(stdout);
        else if (cmd == CLI_VERSION)
            version_command(stdout);
        else if (options_markdown(stdout) != 0)
            snprintf(errstr, sizeof errstr, "out of memory"), code = EXIT_FAILED;
        if (code == EXIT_DONE && output_check(stdout, "stdout", errstr, sizeof errstr) != 0) code = EXIT_FAILED;
        if (code != EXIT_DONE) report_line(stderr, errstr);
    } else {
        env.probe_gpu = cmd == CLI_RUN;
        env.command = cmd;
        if (config_settle(&rc, &env, errstr, sizeof errstr) != 0)
            report_line(stderr, errstr);
        else if (cmd == CLI_RUN)
            code = run_command(&rc);
        else if (cmd == CLI_EXPECT)
            code = expect_command(&rc);
        else if (cmd == CLI_VERIFY)
            code = verify_command(&rc);
        else
            code = plan_command(&rc);
    }
    config_free(&rc);
    return code;
}
