/* SPDX-License-Identifier: Apache-2.0 */
/* cli.c - the command line over a run_config (see cli.h).
 *
 * getopt's options come from the option table. Two passes over argv: the
 * first finds the command, -c, --help, --help-markdown and --version and
 * checks the syntax, so the config file is read first; the second applies
 * every other option over it, so the command line always wins. Flags shared
 * with kcat (-b, -X) mean the same. Parsing only: config_settle() decides
 * the rest. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clip.h"
#include "errors.h"
#include "gpu_stage.h"
#include "optdoc.h"
#include "options.h"

#define LONG_BASE 256 /* getopt's val for row i is LONG_BASE + i */

static const struct {
    const char *name;
    cli_command cmd;
} commands[] = {
    { "run", CLI_RUN },
    { "plan", CLI_PLAN },
    { "expect", CLI_EXPECT },
    { "verify", CLI_VERIFY },
};

typedef struct getopt_tables {
    char short_opts[2 * CONFIG_OPTIONS_MAX + 2];
    struct option long_opts[CONFIG_OPTIONS_MAX + 1];
} getopt_tables;

static int takes_value(const option_spec *o) { return o->type != OPT_BOOL; }

static void build_getopt(getopt_tables *g) {
    size_t s = 0, l = 0;
    g->short_opts[s++] = '+';
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        if (o->short_flag) {
            g->short_opts[s++] = o->short_flag;
            if (takes_value(o)) g->short_opts[s++] = ':';
        }
        if (o->flag)
            g->long_opts[l++] =
                (struct option){ o->flag, takes_value(o) ? required_argument : no_argument, NULL, LONG_BASE + (int)i };
    }
    g->short_opts[s] = '\0';
    g->long_opts[l] = (struct option){ NULL, 0, NULL, 0 };
}

static const option_spec *row_of(int opt) {
    if (opt >= LONG_BASE) return &options_table[opt - LONG_BASE];
    return options_by_short((char)opt);
}

void cli_usage(FILE *out) {
    fputs("Usage: shopstream COMMAND [options]\n"
          "\n"
          "Streams a simulated e-commerce shop into Apache Kafka as Avro: customers,\n"
          "products and campaigns first, then orders, their items, payments and shipments\n"
          "in event-time order.\n"
          "\n"
          "Commands:\n"
          "  run                    generate and publish a scenario (the main job)\n"
          "  plan                   print the expected and drawn orders per simulated hour\n"
          "  expect                 print what a correct consumer of the run computes, per\n"
          "                         event-time window (JSON, or --csv), without Kafka\n"
          "  verify                 read the run's topics back from -b and say whether they\n"
          "                         hold exactly what the run publishes (details as JSON)\n"
          "\n"
          "Options (each also a setting in config/shopstream.cfg, unless it is only a flag):\n",
          out);
    options_usage(out);
    fputs("\n"
          "Exit codes: 0 done and all delivered; 1 a message failed or was not delivered;\n"
          "2 bad options, config, schema or unreachable brokers (nothing published);\n"
          "3 interrupted by a signal, everything produced was delivered.\n"
          "\n"
          "Example: shopstream run --duration 6h --speed 3600   (6 simulated hours in 6 s)\n",
          out);
}

/* Applies one option; errors are "--flag: expected ..., got ...". */
static int apply(run_config *rc, const option_spec *o, const char *arg, char *errstr, size_t errlen) {
    char msg[768];
    if (options_set_text(rc, o, arg, msg, sizeof msg) != 0) {
        if (o->flag) FAIL("--%s: %s", o->flag, msg);
        FAIL("-%c: %s", o->short_flag, msg); /* -X: the value may be a secret */
    }
    options_note_origin(rc, o, NULL, 0);
    return 0;
}

int cli_parse(int argc, char **argv, const char *data_dir, cli_command *cmd, run_config *rc, char *errstr,
              size_t errlen) {
    config_defaults(rc);
    if (argc < 2) FAIL("missing command: run, plan, expect or verify (shopstream --help tells more)");
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        *cmd = CLI_HELP;
        return 0;
    }
    if (strcmp(name, "--help-markdown") == 0) {
        *cmd = CLI_HELP_MARKDOWN;
        return 0;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0) {
        *cmd = CLI_VERSION;
        return 0;
    }
    int known = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) {
            *cmd = commands[i].cmd;
            known = 1;
        }
    if (!known) FAIL("unknown command '%s': expected run, plan, expect or verify", CLIP(name));

    static getopt_tables g;
    build_getopt(&g);
    const option_spec *config_row = options_by_flag("config");

    /* getopt sees the command as its argv[0]; optind = 0 makes glibc's getopt
     * start afresh each pass (and each call: a short-option cluster left
     * half-read by a previous call must not carry over). */
    int sub_argc = argc - 1;
    char **sub_argv = argv + 1;

    /* Pass 1: -c, help and version, and every option's syntax. */
    const char *config_path = NULL;
    int opt;
    opterr = 0;
    optind = 0;
    while ((opt = getopt_long(sub_argc, sub_argv, g.short_opts, g.long_opts, NULL)) != -1) {
        if (opt == '?' || opt == ':') {
            if (optopt > 0 && optopt < LONG_BASE)
                FAIL("option -%c: %s", optopt, options_by_short((char)optopt) ? "needs a value" : "unknown option");
            FAIL("%s: unknown option or missing value (shopstream --help lists them)", CLIP(sub_argv[optind - 1]));
        }
        const option_spec *o = row_of(opt);
        if (o == config_row) config_path = optarg;
        if (o->offset == offsetof(run_config, want_help)) {
            *cmd = CLI_HELP;
            return 0;
        }
        if (o->offset == offsetof(run_config, want_help_markdown)) {
            *cmd = CLI_HELP_MARKDOWN;
            return 0;
        }
        if (o->offset == offsetof(run_config, want_version)) {
            *cmd = CLI_VERSION;
            return 0;
        }
    }
    if (optind < sub_argc) FAIL("unexpected argument '%s'", CLIP(sub_argv[optind]));

    char default_path[CONFIG_PATH_MAX];
    if (!config_path) {
        snprintf(default_path, sizeof default_path, "%.4000s/config/shopstream.cfg", data_dir);
        if (access(default_path, R_OK) == 0) config_path = default_path;
    }
    if (config_path && config_load(rc, config_path, errstr, errlen) != 0) return -1;

    /* Pass 2: everything else, over the file. */
    optind = 0;
    while ((opt = getopt_long(sub_argc, sub_argv, g.short_opts, g.long_opts, NULL)) != -1) {
        const option_spec *o = row_of(opt);
        if (!o) FAIL("option parsing changed between its two passes"); /* cannot happen: pass 1 checked them */
        if (o->flags & OPTF_CLI_ONLY_ACTION) continue;
        if (apply(rc, o, optarg, errstr, errlen) != 0) return -1;
    }
    return 0;
}
