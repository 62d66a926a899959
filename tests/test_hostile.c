/* SPDX-License-Identifier: Apache-2.0 */
/* test_hostile.c - what a hostile user found (issue 17), each finding run
 * through the program as that user ran it: a hang, secrets echoed, strings
 * no reader decodes, integers that wrapped, files that are not files,
 * libconfig's own failures, output that did not parse, errors of more than
 * one line. Each case failed before its fix. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

/* One line on stderr, exit 2, nothing published, and the line holds want. */
static void expect_refused(const char *const *args, const char *want) {
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "%s ...: exit %d: %s", args[0], r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, want) != NULL, "expected '%s' in: %s", want, r.stderr_text);
    cr_assert(strchr(r.stderr_text, '\n') == r.stderr_text + strlen(r.stderr_text) - 1, "not one line: %s",
              r.stderr_text);
    cr_assert(strstr(r.stderr_text, "produced") == NULL && strstr(r.stderr_text, "embedded broker") == NULL,
              "something started publishing: %s", r.stderr_text);
}

/* A file under the test's tmp with text; its path in path. */
static void file_with(const char *tag, const char *text, char *path, size_t cap) {
    support_tmp_path(tag, path, cap);
    support_write_file(path, text);
}

Test(hostile, an_exponential_ramp_from_almost_zero_is_refused_instead_of_hanging) {
    char path[512];
    file_with("ramp.cfg",
              "timeline = ( { start = 0.0; end = 2.0;\n"
              "  rate = { from = 1e-308; to = 1e6; ramp = \"exponential\"; }; } );\n",
              path, sizeof path);
    const char *plan[] = { "plan", "-s", path, "--duration", "2h", NULL };
    expect_refused(plan, ":1: timeline[0]: rate: an exponential ramp needs from and to of at least 1e-09");
    const char *run[] = { "run", "-s", path, "--duration", "2h", NULL };
    expect_refused(run, ":1: timeline[0]: rate: an exponential ramp needs from and to of at least 1e-09");
    file_with("share.cfg",
              "timeline = ( { start = 0.0; end = 2.0; focus = { category = \"books\";\n"
              "  share = { from = 4.9e-324; to = 1.0; ramp = \"exponential\"; }; }; } );\n",
              path, sizeof path);
    const char *focus[] = { "plan", "-s", path, "--duration", "2h", NULL };
    expect_refused(focus, ":1: timeline[0]: focus.share: an exponential ramp needs from and to of at least 1e-09");
}

Test(hostile, strings_that_are_not_utf8_or_hold_nul_are_refused_with_file_line_and_setting) {
    char path[512], want[700];
    file_with("latin1.cfg", "seed = 1;\noutput = { currency = \"\xe9UR\"; };\n", path, sizeof path);
    const char *a[] = { "run", "-c", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want,
             "%s:2: output.currency: expected UTF-8 text of at most 15 bytes, got bytes that are "
             "not UTF-8",
             path);
    expect_refused(a, want);
    file_with("nul.cfg", "output = {\n  currency = \"US\\x00D\";\n};\n", path, sizeof path);
    const char *b[] = { "run", "-c", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want, "%s:2: expected a string without NUL bytes, got \\x00", path);
    expect_refused(b, want);
    file_with("name.cfg", "name = \"sale\xff\";\ntimeline = ( { start = 0.0; end = 1.0; rate = 2.0; } );\n", path,
              sizeof path);
    const char *c[] = { "run", "-s", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want, "%s:1: name: expected UTF-8 text, got bytes that are not", path);
    expect_refused(c, want);
    file_with("campaign.cfg",
              "timeline = ( { start = 0.0; end = 1.0;\n"
              "  campaign = { name = \"\xc3\x28\"; discount_pct = 10; }; } );\n",
              path, sizeof path);
    const char *d[] = { "run", "-s", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want, "%s:2: timeline[0].campaign.name: expected UTF-8 text, got bytes that are not", path);
    expect_refused(d, want);
}

Test(hostile, integers_are_read_as_64_bits_range_checked_and_quoted_as_written) {
    char path[512], stats[512], want[700];
    file_with("seed.cfg", "seed = 4294967338;\n", path, sizeof path);
    support_tmp_path("seed.json", stats, sizeof stats);
    const char *ok[] = { "run", "-c", path, "--sink", "null", "--duration", "1h", "-q", "--stats-json", stats, NULL };
    run_result r;
    support_run(ok, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *s = support_read_stats(stats);
    cr_assert_eq(support_stat(s, "seed"), UINT64_C(4294967338), "the seed wrapped to %llu",
                 (unsigned long long)support_stat(s, "seed"));
    json_decref(s);
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "catalog = { customers = 4294967297; };\n",
          ":1: catalog.customers: expected an integer in [1, 100000000], got 4294967297" },
        { "kafka = { partitions = 4294967302; };\n",
          ":1: kafka.partitions: expected an integer in [1, 10000], got 4294967302" },
        { "catalog = { products = -4294967196; };\n",
          ":1: catalog.products: expected an integer in [1, 1000000], got -4294967196" },
        { "seed = 99999999999999999999;\n",
          ":1: seed: expected an integer that fits 64 bits, got 99999999999999999999" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        file_with("int.cfg", cases[i].text, path, sizeof path);
        const char *a[] = { "run", "-c", path, "--duration", "1h", NULL };
        snprintf(want, sizeof want, "%s%s", path, cases[i].want);
        expect_refused(a, want);
    }
    file_with("pct.cfg",
              "timeline = ( { start = 0.0; end = 1.0;\n"
              "  campaign = { name = \"big\"; discount_pct = 9999999999; }; } );\n",
              path, sizeof path);
    const char *p[] = { "run", "-s", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want,
             "%s:2: timeline[0].campaign.discount_pct: expected an integer in [0, 100], got 9999999999", path);
    expect_refused(p, want);
}

Test(hostile, a_fifo_or_a_directory_as_an_input_file_is_refused_at_once) {
    char fifo[512], want[700];
    support_tmp_path("input.fifo", fifo, sizeof fifo);
    strcat(fifo, ".cfg");
    remove(fifo);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    const char *cfg[] = { "run", "-c", fifo, NULL };
    snprintf(want, sizeof want, "%s: cannot read the config file: not a regular file", fifo);
    expect_refused(cfg, want);
    const char *sc[] = { "run", "-s", fifo, NULL };
    snprintf(want, sizeof want, "%s: cannot read the scenario file: not a regular file", fifo);
    expect_refused(sc, want);
    remove(fifo);
    const char *tmp = getenv("SHOPSTREAM_TEST_TMP");
    const char *dir[] = { "plan", "-c", tmp, NULL };
    snprintf(want, sizeof want, "%s: cannot read the config file: Is a directory", tmp);
    expect_refused(dir, want);
}

Test(hostile, libconfig_never_sees_includes_unreadable_files_or_huge_strings) {
    char path[512], want[700];
    file_with("include.cfg", "seed = 1;\n@include \"/tmp\"\n", path, sizeof path);
    const char *inc[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want, "%s:2: @include is not supported", path);
    expect_refused(inc, want);
    const char *mem[] = { "plan", "-c", "/proc/self/mem", NULL };
    expect_refused(mem, "/proc/self/mem: cannot read the config file: Input/output error");
    size_t n = 200000;
    char *big = malloc(n + 64);
    memcpy(big, "output = { currency = \"", 23);
    memset(big + 23, 'x', n);
    strcpy(big + 23 + n, "\"; };\n");
    file_with("token.cfg", big, path, sizeof path);
    free(big);
    const char *tok[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want, "%s:1: expected a string of at most 65536 bytes, got 200000", path);
    expect_refused(tok, want);
}

Test(hostile, wrong_types_in_scenario_files_are_refused_not_ignored) {
    char path[512], want[700];
    file_with("ramp5.cfg",
              "timeline = ( { start = 0.0; end = 1.0;\n  rate = { from = 1.0; to = 2.0; ramp = 5; }; } );\n", path,
              sizeof path);
    const char *a[] = { "plan", "-s", path, NULL };
    snprintf(want, sizeof want, "%s:2: timeline[0].rate: ramp must be \"linear\" or \"exponential\"", path);
    expect_refused(a, want);
    file_with("name5.cfg", "name = 5;\ntimeline = ( { start = 0.0; end = 1.0; rate = 2.0; } );\n", path, sizeof path);
    const char *b[] = { "plan", "-s", path, NULL };
    snprintf(want, sizeof want, "%s:1: name: expected a string", path);
    expect_refused(b, want);
}

Test(hostile, composing_a_scenario_with_itself_names_both_files_and_lines) {
    char dir[512], want[2000];
    support_source_path("config/scenarios/flash_sale.cfg", dir, sizeof dir);
    const char *a[] = { "plan", "-s", "flash_sale,flash_sale", NULL };
    snprintf(want, sizeof want,
             "%s:9: timeline[0]: composed into flash_sale+flash_sale, it contradicts %s:9: "
             "timeline[0] (focus contradicts effect 1",
             dir, dir);
    expect_refused(a, want);
}

/* n entries of rate 1 (they stack, so any number may overlap). */
static void entries_file(const char *tag, int n, char *path, size_t cap) {
    char text[4096];
    size_t off = (size_t)snprintf(text, sizeof text, "timeline = (\n");
    for (int i = 0; i < n; i++)
        off += (size_t)snprintf(text + off, sizeof text - off, "  { start = 0.0; end = 1.0; rate = 1.0; }%s\n",
                                i + 1 < n ? "," : "");
    snprintf(text + off, sizeof text - off, ");\n");
    file_with(tag, text, path, cap);
}

Test(hostile, scenarios_composed_past_32_entries_are_refused_on_the_flag_not_cut_short) {
    char a[512], b[512], spec[1100], want[1400];
    entries_file("twenty.cfg", 20, a, sizeof a);
    entries_file("thirteen.cfg", 13, b, sizeof b);
    snprintf(spec, sizeof spec, "%s,%s", a, b);
    const char *args[] = { "plan", "--duration", "2h", "-s", spec, NULL };
    snprintf(want, sizeof want,
             "shopstream: --scenario: expected at most 32 timeline entries in all, got 33 (%s adds 13 to 20)\n", b);
    expect_refused(args, want);
    entries_file("twelve.cfg", 12, b, sizeof b); /* 32: every one taken */
    snprintf(spec, sizeof spec, "%s,%s", a, b);
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
}

Test(hostile, no_secret_is_echoed_by_errors) {
    run_result r;
    const char *x[] = { "run", "-X", "sasl.pasword=SECRET123", NULL };
    support_run(x, &r);
    cr_assert_eq(r.exit_code, 2, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "SECRET123") == NULL, "the value was echoed: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "-X sasl.pasword=***: No such configuration property") != NULL, "%s",
              r.stderr_text);
    const char *reg[] = { "run", "-r", "http://user:SECRET456@127.0.0.1:1/apis/ccompat/v7", "--duration", "1h", NULL };
    support_run(reg, &r);
    cr_assert_eq(r.exit_code, 2, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "SECRET456") == NULL, "the password was echoed: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "http://***@127.0.0.1:1/apis/ccompat/v7") != NULL, "%s", r.stderr_text);
}

Test(hostile, a_closed_stderr_does_not_kill_the_run) {
    char stats[512], cmd[1600];
    support_tmp_path("pipe.json", stats, sizeof stats);
    remove(stats);
    /* head exits after two lines; the run must go on to its end and its stats */
    snprintf(cmd, sizeof cmd,
             "'%s' run --sink null --duration 48h --intensity 20 --stats-json '%s' 2>&1 | head -2 "
             ">/dev/null",
             getenv("SHOPSTREAM_BIN"), stats);
    cr_assert_eq(system(cmd), 0);
    json_t *s = support_read_stats(stats);
    cr_assert_not_null(s, "no stats: the run died when stderr closed");
    cr_assert(json_is_true(json_object_get(s, "complete")), "the run did not complete");
    json_decref(s);
}

Test(hostile, names_with_quotes_and_newlines_leave_the_json_and_the_csv_parseable) {
    char path[512], stats[512], cmd[2000];
    file_with("quoted.cfg",
              "name = \"say \\\"hi\\\",\\nthen\";\n"
              "timeline = ( { start = 0.0; end = 2.0; campaign = { name = \"a \\\"b\\\", c\\nd\"; "
              "discount_pct = 5; }; } );\n",
              path, sizeof path);
    support_tmp_path("quoted.json", stats, sizeof stats);
    const char *a[] = { "run", "-s", path, "--sink", "null", "--duration", "3h", "-q", "--stats-json", stats, NULL };
    run_result r;
    support_run(a, &r);
    cr_assert_eq(r.exit_code, 0, "%s", r.stderr_text);
    json_t *s = support_read_stats(stats);
    cr_assert_not_null(s, "the stats JSON does not parse");
    cr_assert_str_eq(json_string_value(json_object_get(s, "scenario")), "say \"hi\",\nthen");
    json_decref(s);
    /* Python's csv module reads plan --csv back: a header and three hours */
    snprintf(cmd, sizeof cmd,
             "'%s' plan --csv -s '%s' --duration 3h | python3 -c \"import csv, sys; "
             "rows = list(csv.reader(sys.stdin)); assert len(rows) == 4 and all(len(r) == 5 for r in rows), rows; "
             "assert 'a \\\"b\\\", c' in rows[1][4], rows[1]\"",
             getenv("SHOPSTREAM_BIN"), path);
    cr_assert_eq(system(cmd), 0, "plan --csv did not parse as 4 rows of 5 fields");
}

Test(hostile, errors_about_brokers_and_metrics_are_one_line_blaming_their_origin) {
    char path[512], want[700];
    file_with("dead.cfg", "kafka = { connect_timeout_ms = 1500; };\n", path, sizeof path);
    const char *dead_cfg[] = { "run", "-c", path, "-b", "127.0.0.1:1", "--duration", "1h", NULL };
    expect_refused(dead_cfg, "shopstream: cannot reach Kafka at 127.0.0.1:1 within 1500 ms: ");
    file_with("metrics.cfg", "output = {\n  metrics = \"127.0.0.1:0\";\n};\n", path, sizeof path);
    const char *m[] = { "run", "-c", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want,
             "shopstream: %s:2: output.metrics: expected [ADDR:]PORT with PORT in [1, 65535], got "
             "127.0.0.1:0\n",
             path);
    expect_refused(m, want);
}

Test(hostile, a_signal_in_the_first_moments_is_handled_not_fatal) {
    /* SIGINT 50 ms after the exec, while the run is still starting (parsing,
     * building the catalog, starting the embedded broker): it stops as
     * interrupted (exit 3), never killed by the signal's default action.
     * The run is paced (realtime), so it cannot have ended by then; the
     * parent waits for the exec itself (a close-on-exec pipe), so the
     * signal cannot land in the forked child before it is shopstream. */
    char *const argv[] = {
        (char *)getenv("SHOPSTREAM_BIN"), "run", "--duration", "24h", "--speed", "realtime", "-q", NULL
    };
    for (int attempt = 0; attempt < 3; attempt++) {
        int exec_seen[2];
        cr_assert_eq(pipe2(exec_seen, O_CLOEXEC), 0);
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0) {
            signal(SIGINT, SIG_DFL);
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execv(argv[0], argv);
            _exit(127);
        }
        close(exec_seen[1]);
        char byte;
        cr_assert_eq(read(exec_seen[0], &byte, 1), 0, "the child did not exec");
        close(exec_seen[0]);
        struct timespec ts = { 0, 50000000 };
        nanosleep(&ts, NULL);
        kill(pid, SIGINT);
        int status = 0;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status), "killed by signal %d: the handler was not installed yet",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        cr_assert_eq(WEXITSTATUS(status), 3, "exit %d, expected 3 (interrupted)", WEXITSTATUS(status));
    }
}

Test(hostile, json_reals_are_printed_in_their_shortest_form_that_reads_back) {
    char cmd[1200];
    /* Python's repr is the shortest text that reads back to the same double */
    snprintf(cmd, sizeof cmd,
             "'%s' run --sink stdout --duration 1h -q 2>/dev/null | grep '\"popularity\"' | "
             "python3 -c \"import sys, re, json\n"
             "n = 0\n"
             "for line in sys.stdin:\n"
             "    text = re.search(r'\\\"popularity\\\":([^,}]*)', line).group(1)\n"
             "    assert text == repr(float(text)), (text, repr(float(text)))\n"
             "    n += 1\n"
             "assert n == 500, n\"",
             getenv("SHOPSTREAM_BIN"));
    cr_assert_eq(system(cmd), 0, "a popularity was not in its shortest form (or not every product was read)");
}

Test(hostile, a_metrics_port_in_use_is_one_line) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(fd, 1), 0);
    socklen_t len = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &len);
    char port[16], want[200];
    snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
    const char *args[] = { "run", "--metrics", port, "--duration", "1h", NULL };
    snprintf(want, sizeof want, "shopstream: --metrics: cannot listen at %s (in use, or not this host's address)\n",
             port);
    expect_refused(args, want);
    close(fd);
}
