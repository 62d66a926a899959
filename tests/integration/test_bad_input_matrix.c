/* SPDX-License-Identifier: Apache-2.0 */
/* test_bad_input_matrix.c - every option and every setting of the option
 * table given values a hostile user would try: empty, negative, zero,
 * 2^32 + k, 2^63, 2^64, NaN, inf, words and trailing garbage. Each is
 * either a valid value of its row (options_set_text says so) or refused by
 * the program with exit 2 and one line that names where it came from (the
 * flag, or the config file and line); and against the real broker nothing
 * at all is published: the run's topics never come to exist. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options/config.h"
#include "options/options.h"
#include "readback.h"
#include "support.h"

static const char *const values[] = {
    "",
    "-1",
    "0",
    "4294967297",
    "4294967338",
    "9223372036854775808",
    "18446744073709551616",
    "-4294967196",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "lots",
    "12abc",
    "0x10",
    "1.5.2",
    " 7",
    "7 ",
};
#define N_VALUES (sizeof values / sizeof values[0])

static void broker_address(char *buf, size_t cap) {
    const char *state = getenv("SHOPSTREAM_KAFKA_STATE");
    char path[1024];
    cr_assert(state, "SHOPSTREAM_KAFKA_STATE is not set (the kafka fixture)");
    snprintf(path, sizeof path, "%s/bootstrap", state);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s: did the kafka fixture start?", path);
    cr_assert(fgets(buf, (int)cap, f));
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
}

/* Rows the matrix gives bad values: numbers, durations, times, speeds,
 * names from a set, shards. Strings, paths and properties take any text. */
static int matrix_row(const option_spec *o) {
    if (o->flags & OPTF_CLI_ONLY_ACTION) return 0;
    switch (o->type) {
    case OPT_STRING:
    case OPT_PATH:
    case OPT_PROPERTY:
    case OPT_ARRAY:
    case OPT_MIX:
    case OPT_BOOL: return 0;
    default: return 1;
    }
}

/* Would the row take this value? (The table's own parser: what we expect
 * the program to take, and we then skip: a valid value is not bad input.) */
static int row_takes(const option_spec *o, const char *v) {
    static run_config rc;
    char err[512];
    config_defaults(&rc);
    int ok = options_set_text(&rc, o, v, err, sizeof err) == 0;
    config_free(&rc);
    return ok;
}

static void expect_one_line_naming(const run_result *r, const char *who, const char *origin) {
    cr_assert_eq(r->exit_code, 2, "%s: exit %d: %s", who, r->exit_code, r->stderr_text);
    cr_assert(strchr(r->stderr_text, '\n') == r->stderr_text + strlen(r->stderr_text) - 1, "%s: not one line: %s", who,
              r->stderr_text);
    cr_assert(strstr(r->stderr_text, origin) != NULL, "%s: the error does not name %s: %s", who, origin,
              r->stderr_text);
    cr_assert(strstr(r->stderr_text, "produced") == NULL && strstr(r->stderr_text, "embedded broker") == NULL,
              "%s: something was published: %s", who, r->stderr_text);
}

Test(bad_input_matrix, every_option_and_setting_refuses_bad_values_in_one_line_and_publishes_nothing) {
    char brokers[256], prefix[128], cfg[512], text[512], origin[700], who[400];
    broker_address(brokers, sizeof brokers);
    snprintf(prefix, sizeof prefix, "matrix%d.", (int)getpid());
    support_tmp_path("matrix.cfg", cfg, sizeof cfg);
    size_t refused = 0, rows = 0;
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        if (!matrix_row(o)) continue;
        rows++;
        for (size_t v = 0; v < N_VALUES; v++) {
            if (row_takes(o, values[v])) continue;
            run_result r;
            if (o->flag) { /* on the command line */
                char flag[100];
                snprintf(flag, sizeof flag, "--%s", o->flag);
                const char *args[] = { "run",        "-b", brokers, "--topic-prefix", prefix,
                                       "--duration", "1h", flag,    values[v],        NULL };
                support_run(args, &r);
                snprintf(who, sizeof who, "%s '%s'", flag, values[v]);
                snprintf(origin, sizeof origin, "shopstream: %s: ", flag);
                expect_one_line_naming(&r, who, origin);
                refused++;
            }
            if (o->path) { /* in a config file, quoted as a string and, for numbers, bare */
                const char *dot = strrchr(o->path, '.');
                for (int bare = 0; bare < 2; bare++) {
                    /* Bare, a value libconfig reads as a number of its own (0x10 is 16) may be fine. */
                    if (bare && (!*values[v] || strchr(values[v], ' ') || strncmp(values[v], "0x", 2) == 0)) continue;
                    const char *q = bare ? "" : "\"";
                    if (dot)
                        snprintf(text, sizeof text, "\n%.*s = {\n  %s = %s%s%s;\n};\n", (int)(dot - o->path), o->path,
                                 dot + 1, q, values[v], q);
                    else
                        snprintf(text, sizeof text, "\n%s = %s%s%s;\n", o->path, q, values[v], q);
                    if (strchr(o->path, '.') != strrchr(o->path, '.')) continue; /* mix.channel.x: groups, not here */
                    support_write_file(cfg, text);
                    const char *args[] = { "run",  "-c",         cfg,  "-b", brokers, "--topic-prefix",
                                           prefix, "--duration", "1h", NULL };
                    support_run(args, &r);
                    snprintf(who, sizeof who, "%s = %s%s%s", o->path, q, values[v], q);
                    /* a syntax error names the line only; anything else the setting too */
                    if (r.exit_code == 2 && strstr(r.stderr_text, "syntax error"))
                        snprintf(origin, sizeof origin, "%s:", cfg);
                    else
                        snprintf(origin, sizeof origin, "%s:%d: %s", cfg, dot ? 3 : 2, o->path);
                    expect_one_line_naming(&r, who, origin);
                    refused++;
                }
            }
        }
    }
    cr_assert_gt(rows, 25u, "only %zu rows in the matrix", rows);
    cr_assert_gt(refused, 400u, "only %zu bad inputs refused", refused);

    /* Nothing of any run reached the broker: none of the prefix's topics exists. */
    rd_kafka_t *rk = readback_new_reader(brokers, prefix, "0");
    for (int t = 0; t < TOPICS; t++) {
        char topic[256];
        rd_kafka_resp_err_t err;
        snprintf(topic, sizeof topic, "%s%s", prefix, readback_topic_suffix[t]);
        int32_t n = readback_partition_count(rk, topic, 10000, &err);
        cr_assert(n <= 0, "%s exists with %d partitions: a refused run created it", topic, n);
    }
    readback_close_reader(rk);
    printf("bad_input_matrix: %zu bad values refused over %zu rows, each in one line, nothing published\n", refused,
           rows);
}
