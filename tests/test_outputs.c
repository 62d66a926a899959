/* SPDX-License-Identifier: Apache-2.0 */
/* test_outputs.c - a write error on any output stream the program writes
 * ends in one line naming the stream and why, and exit 1: stdout of the
 * commands that print a document (--help, --version, --help-markdown,
 * plan, expect; verify's is checked against a real broker in
 * integration/verify_readback.py), the stdout sink, and a --stats-json
 * file. Each kind of stream is one test, over the ways a write fails
 * here: a full device (/dev/full: ENOSPC), a pipe whose reader left
 * (EPIPE) and a file past RLIMIT_FSIZE (EFBIG), which also lets a write
 * succeed in part. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

typedef enum broken { FULL_DEVICE, CLOSED_PIPE } broken;

static const char *const broken_why[] = { "No space left on device", "the reader closed it" };

/* A descriptor whose writes fail as `how` says; the caller closes it. */
static int broken_stdout(broken how) {
    if (how == FULL_DEVICE) {
        int fd = open("/dev/full", O_WRONLY);
        cr_assert_geq(fd, 0, "cannot open /dev/full");
        return fd;
    }
    int p[2];
    cr_assert_eq(pipe(p), 0);
    close(p[0]); /* no reader: a write fails with EPIPE (the program ignores SIGPIPE) */
    return p[1];
}

static void run_into(const char *const *args, broken how, run_result *r) {
    int fd = broken_stdout(how);
    support_run_out(args, fd, 0, r);
    close(fd);
}

static size_t count_of(const char *text, const char *part) {
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, part)) != NULL; p += strlen(part)) n++;
    return n;
}

Test(outputs, a_command_whose_stdout_fails_says_so_in_one_line_and_exits_1) {
    const char *const commands[][10] = {
        { "--help", NULL },
        { "--version", NULL },
        { "--help-markdown", NULL },
        { "plan", "--duration", "6h", NULL },
        { "plan", "--duration", "6h", "--csv", NULL },
        { "expect", "--duration", "1h", "--customers", "100", "--products", "20", NULL },
        { "expect", "--duration", "1h", "--customers", "100", "--products", "20", "--csv", NULL },
    };
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        for (broken how = FULL_DEVICE; how <= CLOSED_PIPE; how++) {
            run_result r;
            run_into(commands[c], how, &r);
            char want[200];
            snprintf(want, sizeof want, "shopstream: stdout: %s\n", broken_why[how]);
            cr_expect_eq(r.exit_code, 1, "%s (%s): exit %d: %s", commands[c][0], broken_why[how], r.exit_code,
                         r.stderr_text);
            cr_expect_str_eq(r.stderr_text, want, "%s (%s): said '%s'", commands[c][0], broken_why[how], r.stderr_text);
        }
}

/* The run of the stdout sink's test: small, and well over 64 KiB of lines. */
#define SINK_RUN "run", "--sink", "stdout", "--duration", "2h", "--customers", "300", "--products", "40", "-q"

Test(outputs, the_stdout_sink_counts_delivered_only_the_lines_it_wrote) {
    char stats[512];
    support_tmp_path("stats.json", stats, sizeof stats);
    const char *const args[] = { SINK_RUN, "--stats-json", stats, NULL };
    for (broken how = FULL_DEVICE; how <= CLOSED_PIPE; how++) {
        run_result r;
        run_into(args, how, &r);
        char want[200];
        snprintf(want, sizeof want, "shopstream: stdout: %s\n", broken_why[how]);
        cr_expect_eq(r.exit_code, 1, "%s: exit %d: %s", broken_why[how], r.exit_code, r.stderr_text);
        cr_expect_eq(count_of(r.stderr_text, want), 1, "said once, as '%s': %s", want, r.stderr_text);
        json_t *s = support_read_stats(stats);
        cr_assert(s, "no stats at %s", stats);
        cr_expect_eq(support_stat(s, "delivered"), 0, "%s: nothing was written, %llu delivered", broken_why[how],
                     (unsigned long long)support_stat(s, "delivered"));
        cr_expect_gt(support_stat(s, "failed"), 0);
        cr_expect_eq(support_stat(s, "failed"), support_stat(s, "messages"));
        json_decref(s);
    }

    /* A file that takes its first 64 KiB: the lines wholly in it, delivered;
     * the rest failed, the one cut short among them. */
    char path[512];
    support_tmp_path("stdout.capped", path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    run_result r;
    support_run_out(args, fd, 64 * 1024, &r);
    close(fd);
    cr_expect_eq(r.exit_code, 1, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_expect_eq(count_of(r.stderr_text, "shopstream: stdout: File too large\n"), 1, "%s", r.stderr_text);
    FILE *f = fopen(path, "r");
    cr_assert(f);
    size_t lines = 0, bytes = 0;
    for (int ch; (ch = fgetc(f)) != EOF; bytes++) lines += ch == '\n';
    fclose(f);
    unlink(path);
    cr_expect_eq(bytes, 64 * 1024, "the file took %zu bytes", bytes);
    json_t *s = support_read_stats(stats);
    cr_assert(s, "no stats at %s", stats);
    cr_expect_eq(support_stat(s, "delivered"), lines, "%zu whole lines written, %llu delivered", lines,
                 (unsigned long long)support_stat(s, "delivered"));
    cr_expect_eq(support_stat(s, "delivered") + support_stat(s, "failed"), support_stat(s, "messages"));
    json_decref(s);
    unlink(stats);
}

Test(outputs, a_stats_json_file_that_cannot_be_written_fails_the_run) {
    char stats[512], want[700];
    support_tmp_path("stats.json", stats, sizeof stats);
    /* 2000 hours: its orders_per_hour alone outgrows stdio's buffer and the
     * 4 KiB files may hold here (stderr's file stays under it). */
    const char *const args[] = { "run",  "--sink",       "null", "--duration", "2000h", "--intensity",
                                 "0.01", "--stats-json", stats,  "-q",         NULL };
    int fd = open("/dev/null", O_WRONLY);
    run_result r;
    support_run_out(args, fd, 4096, &r);
    close(fd);
    snprintf(want, sizeof want, "shopstream: --stats-json %s: File too large\n", stats);
    cr_expect_eq(r.exit_code, 1, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_expect_eq(count_of(r.stderr_text, want), 1, "'%s' once in: %s", want, r.stderr_text);
    unlink(stats);
}
