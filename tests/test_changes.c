/* SPDX-License-Identifier: Apache-2.0 */
/* test_changes.c - the change streams (--changelog debezium,
 * docs/guide/changelog.md) as the sink prints them: the same bytes with 1
 * thread or 3 and any batch size, before as the previous after in lsn
 * order, the event topics untouched, the null sink's hashes worked out
 * ahead equal to the stdout sink's; settings that contradict them refused
 * in one line. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

#define RUN_ARGS                                                                                                       \
    "run", "--sink", "stdout", "--stdout-columns", "topic-key-value", "--changelog", "debezium", "-s",                 \
        "payment_outage", "--start", "2026-11-01T00:00:00Z", "--duration", "3d", "--intensity", "0.05", "--customers", \
        "200", "--products", "30", "--late-share", "0.05", "--duplicate-share", "0.05", "-q"

/* The run's stdout, printed with the extra args, into path; its size. */
static long run_to(const char *path, const char *threads, const char *batch) {
    const char *args[] = { RUN_ARGS, "--threads", threads, "--batch-orders", batch, NULL };
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0);
    run_result r;
    support_run_out(args, fd, 0, &r);
    close(fd);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    return n;
}

static char *slurp(const char *path, long n) {
    FILE *f = fopen(path, "rb");
    char *text = malloc((size_t)n + 1);
    cr_assert(f && text && fread(text, 1, (size_t)n, f) == (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

typedef struct change {
    char key[96];
    unsigned long long lsn;
    json_t *value;
} change;

static int by_lsn(const void *a, const void *b) {
    const change *x = a, *y = b;
    return x->lsn < y->lsn ? -1 : x->lsn > y->lsn;
}

Test(changes, change_events_are_the_same_bytes_with_any_threads_and_each_before_is_the_previous_after) {
    char one[512], three[512];
    support_tmp_path("changes-1", one, sizeof one);
    support_tmp_path("changes-3", three, sizeof three);
    long n1 = run_to(one, "1", "1000"), n3 = run_to(three, "3", "37");
    cr_assert_eq(n1, n3, "%ld bytes with 1 thread, %ld with 3", n1, n3);
    char *a = slurp(one, n1), *b = slurp(three, n3);
    cr_assert(memcmp(a, b, (size_t)n1) == 0, "1 thread and 3 print other bytes");

    size_t cap = 1 << 16, n = 0, tombstones = 0, deletes = 0;
    change *all = calloc(cap, sizeof *all);
    for (char *save = NULL, *line = strtok_r(a, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "shopdb.public.", 14) != 0) continue;
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        cr_assert(tab2, "not topic, key, value: %.200s", line);
        if (!tab2[1]) { /* a tombstone */
            tombstones++;
            continue;
        }
        cr_assert_lt(n, cap);
        json_error_t err;
        json_t *v = json_loads(tab2 + 1, 0, &err);
        cr_assert(v, "%s: %.200s", err.text, tab2 + 1);
        snprintf(all[n].key, sizeof all[n].key, "%.*s%.*s", (int)(tab1 - line), line, (int)(tab2 - tab1), tab1);
        all[n].lsn = (unsigned long long)json_integer_value(json_object_get(json_object_get(v, "source"), "lsn"));
        all[n++].value = v;
    }
    cr_assert_gt(n, 3000u, "%zu change events", n);
    qsort(all, n, sizeof *all, by_lsn);
    size_t updates = 0, copies = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *before = json_object_get(all[i].value, "before");
        size_t j = i; /* the key's change before it, or a copy of it */
        while (j-- > 0 && strcmp(all[j].key, all[i].key) != 0) {}
        if (j != (size_t)-1 && all[j].lsn == all[i].lsn) {
            copies++;
            cr_assert(json_equal(all[j].value, all[i].value), "%s: a copy that differs", all[i].key);
            continue;
        }
        deletes += strcmp(json_string_value(json_object_get(all[i].value, "op")), "d") == 0;
        if (json_is_null(before)) continue;
        updates++;
        cr_assert(j != (size_t)-1, "%s: a before with no change before it", all[i].key);
        while (j > 0 && all[j].lsn == all[i].lsn) j--; /* cannot happen: lsns differ along a key */
        cr_assert(json_equal(before, json_object_get(all[j].value, "after")),
                  "%s at lsn %llu: before is not the previous after", all[i].key, all[i].lsn);
    }
    cr_assert_gt(updates, 1000u);
    cr_assert_gt(copies, 10u, "no duplicate change event at --duplicate-share 0.05");
    cr_assert(deletes > 0 && tombstones >= deletes, "%zu deletes, %zu tombstones", deletes, tombstones);
    for (size_t i = 0; i < n; i++) json_decref(all[i].value);
    free(all);
    free(a);
    free(b);
}

Test(changes, the_change_streams_leave_the_event_topics_byte_for_byte_as_they_were) {
    char with[512], without[512];
    support_tmp_path("with.json", with, sizeof with);
    support_tmp_path("without.json", without, sizeof without);
    const char *a[] = { "run", "--sink",      "null",     "-s", "flash_sale",   "--duration", "2d", "--intensity",
                        "0.5", "--changelog", "debezium", "-q", "--stats-json", with,         NULL };
    const char *b[] = { "run",         "--sink", "null", "-s",           "flash_sale", "--duration", "2d",
                        "--intensity", "0.5",    "-q",   "--stats-json", without,      NULL };
    run_result r;
    support_run(a, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    support_run(b, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *x = json_load_file(with, 0, NULL), *y = json_load_file(without, 0, NULL);
    cr_assert(x && y);
    const char *topic;
    json_t *t;
    size_t n = 0;
    json_object_foreach(json_object_get(y, "topics"), topic, t) {
        json_t *u = json_object_get(json_object_get(x, "topics"), topic);
        cr_assert(u, "%s: gone with --changelog", topic);
        cr_assert_str_eq(json_string_value(json_object_get(u, "content_digest")),
                         json_string_value(json_object_get(t, "content_digest")), "%s differs", topic);
        n++;
    }
    cr_assert_eq(n, 7u);
    cr_assert_eq(json_object_size(json_object_get(x, "topics")), 11u, "not the 4 change topics more");
    json_decref(x);
    json_decref(y);
}

/* With change streams the null sink's hashes and partitions are worked out
 * on the generator threads (sink_hash_ahead); the stdout sink hashes each
 * line's message as it writes it. The two must count the same run alike
 * (--format json: the stdout sink's event values are JSON too). */
Test(changes, the_null_sink_hashing_ahead_digests_the_run_as_the_stdout_sink_does) {
    char null_stats[512], stdout_stats[512];
    support_tmp_path("ahead-null.json", null_stats, sizeof null_stats);
    support_tmp_path("ahead-stdout.json", stdout_stats, sizeof stdout_stats);
#define AHEAD_ARGS(sink, stats)                                                                                        \
    "run", "--sink", sink, "--changelog", "debezium", "-s", "payment_outage", "--start", "2026-11-01T00:00:00Z",       \
        "--duration", "3d", "--intensity", "0.05", "--customers", "200", "--products", "30", "--late-share", "0.05",   \
        "--duplicate-share", "0.05", "-q", "--partitions", "3", "--threads", "2", "--format", "json", "--stats-json",  \
        stats, NULL
    const char *a[] = { AHEAD_ARGS("null", null_stats) };
    const char *b[] = { AHEAD_ARGS("stdout", stdout_stats) };
    run_result r;
    support_run(a, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    int devnull = open("/dev/null", O_WRONLY);
    cr_assert(devnull >= 0);
    support_run_out(b, devnull, 0, &r);
    close(devnull);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *x = json_load_file(null_stats, 0, NULL), *y = json_load_file(stdout_stats, 0, NULL);
    cr_assert(x && y);
    cr_assert_gt(json_integer_value(json_object_get(x, "messages")), 1000);
    const char *fields[] = { "content_digest", "order_digest", "bytes", "messages" };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char *p = json_dumps(json_object_get(x, fields[i]), JSON_ENCODE_ANY),
             *q = json_dumps(json_object_get(y, fields[i]), JSON_ENCODE_ANY);
        cr_assert_str_eq(p, q, "%s: null sink %s, stdout sink %s", fields[i], p, q);
        free(p);
        free(q);
    }
    json_decref(x);
    json_decref(y);
}

Test(changes, settings_that_contradict_the_change_streams_are_refused_in_one_line) {
    const char *files[] = { "run", "--sink", "files", "--out", "/tmp/x", "--changelog", "debezium", NULL };
    support_refused_with(files, "--changelog: expected --sink kafka, null or stdout, the sinks that carry change "
                                "events (files hold the event tables), got --sink files");
    const char *schema[] = { "run", "--sink", "null", "--changelog", "debezium", "--changelog-schema", "9lives", NULL };
    support_refused_with(schema, "--changelog-schema: expected a schema name of 1-64 letters, digits and '_', not "
                                 "starting with a digit, got '9lives'");
    const char *prefix[] = { "run", "--sink", "null", "--changelog", "debezium", "--changelog-prefix", "a/b", NULL };
    support_refused_with(prefix, "--changelog-prefix: expected a topic prefix of 1-64 letters, digits, '_', '.' or "
                                 "'-', not starting with a digit, got 'a/b'");
    const char *clash[] = {
        "run", "--sink", "null", "--changelog", "debezium", "--topic-prefix", "shopdb.public.", NULL
    };
    support_refused_with(clash, "--topic-prefix: expected event topics apart from the change topics "
                                "(prefix.schema.table), got 'shopdb.public.customers' for both");
    const char *shards[] = { "run", "--sink", "null", "--changelog", "debezium", "--shard", "1/3", NULL };
    support_refused_with(shards, "--shard: expected one shard with --changelog (a database has one change stream), "
                                 "got 3");
    const char *longer[] = { "run", "--sink", "null", "--changelog", "debezium", "--duration", "400d", NULL };
    support_refused_with(longer, "--duration: expected at most 397d with --changelog (lsn counts milliseconds in 35 "
                                 "bits), got 400d");
    const char *alone[] = { "run", "--sink", "null", "--changelog-format", "json-schema", NULL };
    support_refused_with(alone, "--changelog-format: expected --changelog debezium, the change events it formats, got "
                                "--changelog none (the default)");
    char path[512], want[1200];
    support_tmp_path("changelog.cfg", path, sizeof path);
    support_write_file(path, "changelog = {\n  kind = \"debezium\";\n  schema = \"has space\";\n};\n");
    const char *file[] = { "run", "-c", path, "--sink", "null", NULL };
    snprintf(want, sizeof want,
             "%s:3: changelog.schema: expected a schema name of 1-64 letters, digits and '_', not starting with a "
             "digit, got 'has space'",
             path);
    support_refused_with(file, want);
}
