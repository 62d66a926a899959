/* SPDX-License-Identifier: Apache-2.0 */
/* test_files.c - --sink files through the program: every topic a table in
 * partitions by event date, DIR/<table>/date=YYYY-MM-DD/part-<shard>-<n>.ext,
 * holding each message the run publishes once (a line of JSON, or an Avro
 * record: their count per table is the run's count per topic, and the
 * digests are the null sink's); the same bytes with 1 thread or 8; files
 * rolled at --file-roll-mb; _SUCCESS per table; bad input refused with one
 * line, exit 2, nothing written; a full disk: exit 1, no unfinished file
 * left, and only completed files counted. The readers we did not write
 * (DuckDB, fastavro) are tests/integration/readback_files.py's. */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

static const char *const tables[] = { "customers",   "products", "campaigns", "orders",
                                      "order_items", "payments", "shipments" };
#define N_TABLES 7
#define FIRST_FACT_TABLE 3 /* tables[3..]: orders, order_items, payments, shipments */

/* ---- a directory's files, as (path under the root, size, hash) --------- */

typedef struct tree_file {
    char path[512];
    long size;
    uint64_t hash;
} tree_file;

static struct {
    tree_file files[4096];
    size_t n;
    size_t root_len;
} walk;

static uint64_t file_hash(const char *path, long *size) {
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    uint64_t h = 1469598103934665603ull;
    int c;
    *size = 0;
    while ((c = fgetc(f)) != EOF) {
        h = (h ^ (unsigned char)c) * 1099511628211ull;
        ++*size;
    }
    fclose(f);
    return h;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st, (void)ftw;
    if (type != FTW_F) return 0;
    cr_assert_lt(walk.n, 4096u);
    tree_file *t = &walk.files[walk.n++];
    snprintf(t->path, sizeof t->path, "%s", path + walk.root_len);
    t->hash = file_hash(path, &t->size);
    return 0;
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const tree_file *)a)->path, ((const tree_file *)b)->path);
}

/* dir's files, sorted by path, into out (n of them). */
static size_t list_tree(const char *dir, tree_file *out, size_t cap) {
    walk.n = 0;
    walk.root_len = strlen(dir);
    cr_assert_eq(nftw(dir, visit, 16, FTW_PHYS), 0, "cannot walk %s", dir);
    qsort(walk.files, walk.n, sizeof walk.files[0], by_path);
    cr_assert_leq(walk.n, cap);
    memcpy(out, walk.files, walk.n * sizeof *out);
    return walk.n;
}

static void fresh_dir(const char *tag, char *buf, size_t cap) {
    char base[400];
    support_tmp_path(tag, base, sizeof base);
    snprintf(buf, cap, "%s-XXXXXX", base);
    cr_assert_not_null(mkdtemp(buf), "mkdtemp %s", buf);
}

/* Lines (JSON lines) in every file of dir/table. */
static uint64_t count_lines(const char *dir, const char *table, const tree_file *files, size_t n) {
    uint64_t lines = 0;
    char prefix[64];
    snprintf(prefix, sizeof prefix, "/%s/date=", table);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(files[i].path, prefix, strlen(prefix)) != 0) continue;
        char path[2048];
        snprintf(path, sizeof path, "%.1000s%.1000s", dir, files[i].path);
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f);
        int c;
        while ((c = fgetc(f)) != EOF) lines += c == '\n';
        fclose(f);
    }
    return lines;
}

/* ---- runs ---------------------------------------------------------------- */

static json_t *run_files(const char *dir, const char *format, const char *threads, const char *roll_mb) {
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    /* customers without changes: a closed account's tombstone has no row,
     * and every message is a line here */
    const char *args[] = { "run",
                           "-s",
                           "flash_sale",
                           "--customer-changes",
                           "off",
                           "--start",
                           "2026-03-02T00:00:00Z",
                           "--duration",
                           "30h",
                           "--intensity",
                           "5",
                           "--late-share",
                           "0.05",
                           "--duplicate-share",
                           "0.02",
                           "--threads",
                           threads,
                           "--batch-orders",
                           "300",
                           "--sink",
                           "files",
                           "--out",
                           dir,
                           "--file-format",
                           format,
                           "--file-roll-mb",
                           roll_mb,
                           "-q",
                           "--stats-json",
                           stats,
                           NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    json_t *j = support_read_stats(stats);
    cr_assert_not_null(j);
    return j;
}

static json_t *run_null(void) {
    char stats[512];
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run",
                           "-s",
                           "flash_sale",
                           "--customer-changes",
                           "off",
                           "--start",
                           "2026-03-02T00:00:00Z",
                           "--duration",
                           "30h",
                           "--intensity",
                           "5",
                           "--late-share",
                           "0.05",
                           "--duplicate-share",
                           "0.02",
                           "--sink",
                           "null",
                           "--format",
                           "json",
                           "-q",
                           "--stats-json",
                           stats,
                           NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    return support_read_stats(stats);
}

Test(files, every_message_is_a_line_of_its_table_in_its_event_dates_partition_the_same_bytes_with_1_or_8_threads) {
    static tree_file one[4096], eight[4096];
    char d1[512], d8[512];
    fresh_dir("files1", d1, sizeof d1);
    fresh_dir("files8", d8, sizeof d8);
    json_t *s1 = run_files(d1, "jsonl", "1", "1"), *s8 = run_files(d8, "jsonl", "8", "1"), *null = run_null();
    size_t n1 = list_tree(d1, one, 4096), n8 = list_tree(d8, eight, 4096);
    cr_assert_eq(n1, n8, "%zu files with 1 thread, %zu with 8", n1, n8);
    for (size_t i = 0; i < n1; i++) {
        cr_assert_str_eq(one[i].path, eight[i].path);
        cr_assert(one[i].size == eight[i].size && one[i].hash == eight[i].hash, "%s differs with 8 threads",
                  one[i].path);
    }
    size_t parts = 0, rolled = 0, success = 0, days[2] = { 0, 0 };
    for (size_t i = 0; i < n1; i++) {
        const char *p = one[i].path;
        if (strstr(p, "/_SUCCESS")) {
            success++;
            continue;
        }
        cr_assert(strstr(p, "/date=2026-03-0") && strstr(p, "/part-0-") && strstr(p, ".jsonl"), "a stray file %s", p);
        cr_assert_null(strstr(p, ".tmp"), "a temporary file left: %s", p);
        parts++;
        rolled += strstr(p, "/part-0-1.jsonl") != NULL;
        days[0] += strstr(p, "date=2026-03-02") != NULL;
        days[1] += strstr(p, "date=2026-03-03") != NULL;
    }
    cr_assert_eq(success, N_TABLES, "a _SUCCESS per table");
    cr_assert(rolled > 0, "no file rolled at 1 MB");
    cr_assert(days[0] > 0 && days[1] > 0, "30 hours make two dates");
    cr_assert_eq(support_stat(s1, "files"), parts, "the summary counts %llu files, the directory holds %zu",
                 (unsigned long long)support_stat(s1, "files"), parts);
    for (int t = 0; t < N_TABLES; t++) {
        char topic[64];
        snprintf(topic, sizeof topic, "shop.%s", tables[t]);
        uint64_t want = support_topic_delivered(s1, topic);
        cr_assert_eq(count_lines(d1, tables[t], one, n1), want, "%s: lines, not the %llu messages", tables[t],
                     (unsigned long long)want);
    }
    cr_assert_eq(support_digest(s1, "content_digest"), support_digest(null, "content_digest"),
                 "the files hold other messages than the null sink's");
    cr_assert_eq(support_digest(s8, "order_digest"), support_digest(null, "order_digest"));
    json_decref(s1), json_decref(s8), json_decref(null);
}

/* Avro container files and Parquet files: the same bytes with 1 thread or
 * 8, and the digests of the run (they hold the avro format's values). */
static void same_bytes_with_1_or_8_threads(const char *format) {
    static tree_file one[4096], eight[4096];
    char d1[512], d8[512];
    fresh_dir(format, d1, sizeof d1);
    fresh_dir(format, d8, sizeof d8);
    json_decref(run_files(d1, format, "1", "128"));
    json_decref(run_files(d8, format, "8", "128"));
    size_t n1 = list_tree(d1, one, 4096), n8 = list_tree(d8, eight, 4096);
    cr_assert_eq(n1, n8);
    cr_assert_gt(n1, (size_t)N_TABLES);
    for (size_t i = 0; i < n1; i++)
        cr_assert(strcmp(one[i].path, eight[i].path) == 0 && one[i].hash == eight[i].hash, "%s: %s differs", format,
                  one[i].path);
}

Test(files, avro_container_files_are_the_same_bytes_with_1_thread_or_8) { same_bytes_with_1_or_8_threads("avro"); }

Test(files, parquet_files_are_the_same_bytes_with_1_thread_or_8) { same_bytes_with_1_or_8_threads("parquet"); }

/* args refused: exit 2, one line holding want, and dir as it was. */
static void refused(const char *const *args, const char *want, const char *dir) {
    static tree_file before[4096], after[4096];
    size_t nb = dir ? list_tree(dir, before, 4096) : 0;
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    const char *nl = strchr(r.stderr_text, '\n');
    cr_assert(nl && nl[1] == '\0', "not one line: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, want), "expected '%s' in: %s", want, r.stderr_text);
    if (!dir) return;
    size_t na = list_tree(dir, after, 4096);
    cr_assert_eq(na, nb, "%s: something was written: %zu files, %zu before", dir, na, nb);
    for (size_t i = 0; i < na; i++) cr_assert(after[i].hash == before[i].hash, "%s changed", after[i].path);
}

Test(files, bad_input_is_refused_with_one_line_and_nothing_written) {
    char empty[512], used[512], plain[600];
    fresh_dir("empty", empty, sizeof empty);
    fresh_dir("used", used, sizeof used);
    snprintf(plain, sizeof plain, "%s/a-file", used);
    support_write_file(plain, "not a directory\n");
#define RUN(...)                                                                                                       \
    (const char *const[]){ "run", "--duration", "2h", "--start", "2026-03-02T00:00:00Z", __VA_ARGS__, NULL }
    refused(RUN("--sink", "files"), "files.out: expected the directory --sink files writes to (--out DIR), got none",
            NULL);
    refused(RUN("--file-add"), "--file-add: expected --sink files, the sink that writes files, got --sink kafka", NULL);
    refused(RUN("--sink", "files", "--out", "/nonexistent/shop"),
            "--out: expected an existing directory, got '/nonexistent/shop': No such file or directory", NULL);
    refused(RUN("--sink", "files", "--out", plain), "--out: expected a directory, got", used);
    refused(RUN("--sink", "files", "--out", empty, "--file-codec", "lz9"),
            "--file-codec: expected auto, none, deflate, zstd or snappy, got lz9", empty);
    refused(RUN("--sink", "files", "--out", empty, "--file-format", "avro", "--file-codec", "zstd"),
            "--file-codec: expected deflate, snappy or none (or auto) for --file-format avro, got zstd", empty);
    refused(RUN("--sink", "files", "--out", empty, "--file-codec", "deflate"),
            "--file-codec: expected zstd, snappy or none (or auto) for --file-format parquet, got deflate", empty);
    refused(RUN("--sink", "files", "--out", empty, "--file-format", "jsonl", "--file-codec", "snappy"),
            "--file-codec: expected none (or auto) for --file-format jsonl, got snappy", empty);
    refused(RUN("--sink", "files", "--out", empty, "--file-format", "jsonl", "--format", "avro"),
            "--format: --sink files --file-format jsonl holds json values: expected json (or auto), got avro", empty);
    refused(RUN("--sink", "files", "--out", empty, "--from", "2h"),
            "--from: expected a time in [start, end) of the run, got '2h'", empty);
    refused(RUN("--sink", "files", "--out", empty, "--from", "1h", "--to", "30m"),
            "--to: expected a time in (--from, end] of the run, got '30m'", empty);
    /* a directory holding a run's files: refused for the same shard */
    run_result r;
    support_run(RUN("--sink", "files", "--out", used, "-q"), &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    refused(RUN("--sink", "files", "--out", used), "--out: expected a directory without files of shard 0, got", used);
    if (geteuid() != 0) {
        cr_assert_eq(chmod(empty, 0555), 0);
        refused(RUN("--sink", "files", "--out", empty), "--out: expected a directory shopstream can write in", empty);
        chmod(empty, 0755);
    } else {
        cr_log_info("running as root: a directory without write permission is writable, that case is skipped");
    }
#undef RUN
}

Test(files, a_full_disk_ends_the_run_with_exit_1_and_no_unfinished_file_and_counts_only_completed_files) {
    static tree_file left[4096];
    char dir[512], stats[512];
    fresh_dir("full", dir, sizeof dir);
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run",        "-s",    "flash_sale",  "--start", "2026-03-02T00:00:00Z",
                           "--duration", "30h",   "--intensity", "5",       "--sink",
                           "files",      "--out", dir,           "-q",      "--stats-json",
                           stats,        NULL };
    run_result r;
    support_run_with(args, -1, 400000, 0, &r); /* no file may pass 400 kB: EFBIG, as a full disk's ENOSPC */
    cr_assert_eq(r.exit_code, 1, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "File too large (the unfinished file removed)"), "%s", r.stderr_text);
    size_t n = list_tree(dir, left, 4096), parts = 0;
    for (size_t i = 0; i < n; i++) {
        cr_assert_null(strstr(left[i].path, ".tmp"), "an unfinished file left: %s", left[i].path);
        cr_assert_null(strstr(left[i].path, "_SUCCESS"), "an incomplete run wrote %s", left[i].path);
        parts += strstr(left[i].path, "/part-") != NULL;
    }
    json_t *s = support_read_stats(stats);
    cr_assert_not_null(s);
    cr_assert_eq(support_stat(s, "files"), parts, "the summary counts %llu files, %zu are there",
                 (unsigned long long)support_stat(s, "files"), parts);
    json_decref(s);
}

/* The most the writers held at once, for a run of duration into parquet
 * with 1 MB row groups. */
static uint64_t writers_peak(const char *duration) {
    char dir[512], stats[512];
    fresh_dir("peak", dir, sizeof dir);
    support_tmp_path("stats", stats, sizeof stats);
    const char *args[] = { "run",
                           "-s",
                           "flash_sale",
                           "--start",
                           "2026-03-02T00:00:00Z",
                           "--duration",
                           duration,
                           "--intensity",
                           "5",
                           "--late-share",
                           "0.05",
                           "--duplicate-share",
                           "0.02",
                           "--sink",
                           "files",
                           "--out",
                           dir,
                           "--file-row-group-mb",
                           "1",
                           "-q",
                           "--stats-json",
                           stats,
                           NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    json_t *s = support_read_stats(stats);
    cr_assert_not_null(s);
    uint64_t peak = support_stat(s, "file_writers_peak_bytes");
    json_decref(s);
    cr_assert_gt(peak, 0u);
    return peak;
}

Test(files, the_writers_hold_about_two_row_groups_per_open_file_however_long_the_run) {
    uint64_t two = writers_peak("48h"), eight = writers_peak("192h");
    /* seven tables, each with a date or two open (a date closes once the
     * stream passes its end by the longest delay), each writer two row
     * groups (one filling, one with its worker) of 1 MB in buffers up to
     * twice that, and a 256 KiB block */
    uint64_t bound = 7 * 2 * (2 * 2 * (1u << 20) + (256u << 10));
    cr_assert_leq(eight, bound, "8 days: the writers held %llu bytes, more than %llu", (unsigned long long)eight,
                  (unsigned long long)bound);
    cr_assert_leq(eight, two + two / 4, "8 days held %llu bytes, 2 days %llu: memory grows with the run",
                  (unsigned long long)eight, (unsigned long long)two);
}

/* A run of 30 h into dir as JSON lines, or its slice [from, to) ("" for
 * none), with --file-add when add. */
static void run_slice_into(const char *dir, const char *from, const char *to, int add) {
    const char *args[24] = { "run",
                             "--start",
                             "2026-03-02T00:00:00Z",
                             "--duration",
                             "30h",
                             "--intensity",
                             "5",
                             "--late-share",
                             "0.05",
                             "--customer-changes",
                             "off",
                             "--sink",
                             "files",
                             "--file-format",
                             "jsonl",
                             "--out",
                             dir,
                             "-q" };
    int n = 18;
    if (from[0]) args[n++] = "--from", args[n++] = from;
    if (to[0]) args[n++] = "--to", args[n++] = to;
    if (add) args[n++] = "--file-add";
    args[n] = NULL;
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
}

Test(files, two_slices_written_into_one_directory_with_file_add_hold_the_whole_runs_facts) {
    static tree_file whole[4096], parts[4096];
    char a[512], b[512];
    fresh_dir("whole", a, sizeof a);
    fresh_dir("slices", b, sizeof b);
    run_slice_into(a, "", "", 0);
    run_slice_into(b, "", "12h", 0);
    run_slice_into(b, "12h", "", 1);
    size_t na = list_tree(a, whole, 4096), nb = list_tree(b, parts, 4096);
    for (int t = FIRST_FACT_TABLE; t < N_TABLES; t++)
        cr_assert_eq(count_lines(b, tables[t], parts, nb), count_lines(a, tables[t], whole, na),
                     "%s: the two slices' lines are not the whole run's", tables[t]);
    /* the first date's orders: the first slice's file, then the second's, numbered after it */
    int first = 0, second = 0;
    for (size_t i = 0; i < nb; i++) {
        first += strcmp(parts[i].path, "/orders/date=2026-03-02/part-0-0.jsonl") == 0;
        second += strcmp(parts[i].path, "/orders/date=2026-03-02/part-0-1.jsonl") == 0;
    }
    cr_assert(first && second, "the second slice's file of 2026-03-02 is not part-0-1.jsonl beside part-0-0.jsonl");
}
