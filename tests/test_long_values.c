/* SPDX-License-Identifier: Apache-2.0 */
/* test_long_values.c - an error line keeps its reason however long the
 * values it names (issue 25): paths of 3.7 KB, URLs, broker lists, names
 * and arguments of 1-4 KB, through the config file, the scenario files, the
 * schema directory, --stats-json, -X, the registry, the brokers and the
 * command line. Each is one line, exit 2, at most 1 KB (the buffers it
 * passes through), holds its reason and ends as the reason ends: the long
 * values are shortened in the middle ("...", clip.h), never the line's end. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/cfgread.h"
#include "base/clip.h"

#include "support.h"

#define LONG_DIR 3700 /* a path near PATH_MAX, in 250-byte components */

static char dir[4096], scen_dir[1024];

/* path, each component n bytes of c, until it is about total bytes long. */
static void deep_dir(char *path, size_t cap, const char *tag, char c, size_t n, size_t total) {
    support_tmp_path(tag, path, cap);
    char part[256];
    memset(part, c, n);
    part[n] = '\0';
    mkdir(path, 0755);
    while (strlen(path) + n + 1 < total) {
        strncat(path, "/", cap - strlen(path) - 1);
        strncat(path, part, cap - strlen(path) - 1);
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path, strerror(errno));
    }
}

static void file_in(const char *in, const char *name, const char *text, char *path, size_t cap) {
    snprintf(path, cap, "%s/%s", in, name);
    support_write_file(path, text);
}

static void repeat(char *buf, char c, size_t n) {
    memset(buf, c, n);
    buf[n] = '\0';
}

typedef struct long_case {
    const char *args[12];
    const char *reason; /* the line holds it */
    const char *end;    /* and ends with it */
} long_case;

static void keeps_its_reason(const long_case *c) {
    run_result r;
    support_run(c->args, &r);
    size_t n = strlen(r.stderr_text);
    cr_assert_eq(r.exit_code, 2, "%s: exit %d: %s", c->reason, r.exit_code, r.stderr_text);
    cr_assert(n > 0 && strchr(r.stderr_text, '\n') == r.stderr_text + n - 1, "not one line: %s", r.stderr_text);
    cr_assert(n <= 1024, "%zu bytes, more than the 1 KiB line it passes through: %s", n, r.stderr_text);
    cr_assert(strstr(r.stderr_text, c->reason), "no '%s' in: %s", c->reason, r.stderr_text);
    size_t e = strlen(c->end);
    cr_assert(n >= e && memcmp(r.stderr_text + n - e, c->end, e) == 0, "does not end with '%s': %s", c->end,
              r.stderr_text);
    cr_assert(strstr(r.stderr_text, "..."), "no long value shortened in: %s", r.stderr_text);
}

Test(long_values, every_error_line_keeps_its_reason_whatever_the_length_of_the_values_it_names) {
    deep_dir(dir, sizeof dir, "long", 'd', 250, LONG_DIR);
    deep_dir(scen_dir, sizeof scen_dir, "scen", 's', 200, 950); /* --scenario takes 1023 bytes */
    static char bad[4200], late[4200], props[4200], fast[4200], missing[4200], stats[4200], schemas[4200], scen[1100],
        no_scen[1100], x_name[4100], x_value[4100], url[1100], brokers[1100], argument[4100], flag[4100];
    file_in(dir, "bad.cfg", "kafka = { partitions = \"x\"; };\n", bad, sizeof bad);
    file_in(dir, "late.cfg", "seed = 1;\nlate = { max = \"5m\"; };\n", late, sizeof late);
    file_in(dir, "props.cfg",
            "kafka = {\n  connect_timeout_ms = 100;\n  properties = [ \"linger.ms=1\", \"no.such.property=1\" ];\n};\n",
            props, sizeof props);
    file_in(dir, "fast.cfg", "kafka = { connect_timeout_ms = 100; };\n", fast, sizeof fast);
    snprintf(missing, sizeof missing, "%s/missing.cfg", dir);
    snprintf(stats, sizeof stats, "%s/nodir/stats.json", dir);
    snprintf(schemas, sizeof schemas, "%s/nodir", dir);
    file_in(scen_dir, "scen.cfg", "timeline = ( { start = 0.0; end = 2.0; rate = \"x\"; } );\n", scen, sizeof scen);
    snprintf(no_scen, sizeof no_scen, "%s/none.cfg", scen_dir);
    repeat(x_name, 'x', 4000);
    memcpy(x_name + 4000, "=1", 3);
    memcpy(x_value, "linger.ms=", 10);
    repeat(x_value + 10, 'v', 4000);
    snprintf(url, sizeof url, "http://127.0.0.1:1/");
    repeat(url + strlen(url), 'u', 1000);
    brokers[0] = '\0';
    while (strlen(brokers) < 1000) strcat(brokers, "127.0.0.1:1,");
    brokers[strlen(brokers) - 1] = '\0';
    repeat(argument, 'a', 4000);
    memcpy(flag, "--", 2);
    repeat(flag + 2, 'f', 4000);

    const long_case cases[] = {
        { { "plan", "-c", bad, NULL },
          "/bad.cfg:1: kafka.partitions: ",
          "expected an integer in [1, 10000], got \"x\"\n" },
        { { "plan", "-c", late, NULL },
          "/late.cfg:2: late.max: ",
          "expected a late share above 0 (--late-share) for it to bound (a scenario's late entries have their own "
          "max), got --late-share 0 (the default)\n" },
        { { "plan", "-c", missing, NULL },
          "/missing.cfg: ",
          "cannot read the config file: No such file or directory\n" },
        { { "run", "-c", props, "--sink", "kafka", "-b", "127.0.0.1:1", NULL },
          "/props.cfg:3: kafka.properties: no.such.property=***: ",
          "No such configuration property: \"no.such.property\"\n" },
        { { "run", "--sink", "null", "--stats-json", stats, NULL }, "/nodir/stats.json: no directory ", "/nodir\n" },
        { { "run", "--sink", "null", "--schema-dir", schemas, "--duration", "1h", NULL },
          "/nodir/customers.avsc: ",
          "cannot read the schema file: No such file or directory\n" },
        { { "plan", "-s", scen, NULL },
          "/scen.cfg:1: timeline[0].rate: ",
          "expected a number or { from; to; ramp; }\n" },
        { { "plan", "-s", no_scen, NULL }, "/none.cfg': no file ", ")\n" },
        { { "run", "-X", x_name, "--sink", "kafka", "-b", "127.0.0.1:1", NULL },
          "=***: No such configuration property: ",
          "" },
        { { "run", "-X", x_value, "-b", "127.0.0.1:1", NULL },
          "-X linger.ms=",
          ": Invalid value for configuration property \"queue.buffering.max.ms\"\n" },
        { { "run", "--sink", "null", "-r", url, "--duration", "1h", NULL },
          "cannot reach the schema registry at http://127.0.0.1:1/",
          ": Couldn't connect to server\n" },
        { { "run", "-c", fast, "-b", brokers, NULL }, "cannot reach Kafka at 127.0.0.1:1,", "" },
        { { "plan", argument, NULL }, "unexpected argument 'aaa", "'\n" },
        { { "plan", flag, NULL }, "--fff", ": unknown option or missing value (shopstream --help lists them)\n" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) keeps_its_reason(&cases[i]);
}

Test(long_values, a_value_is_shortened_in_the_middle_between_whole_utf8_characters) {
    static char text[1000];
    text[0] = '\0';
    for (int i = 0; i < 150; i++) strcat(text, "\xc3\xa9"); /* é, two bytes each */
    strcat(text, "!");
    clip_buf c;
    const char *s = clip_text(&c, text);
    cr_assert_leq(strlen(s), CLIP_MAX);
    cr_assert(strstr(s, "..."), "%s", s);
    cr_assert(cfgread_utf8(s), "not UTF-8 after clipping: %s", s);
    cr_assert_eq(s[strlen(s) - 1], '!', "%s", s);
    cr_assert_str_eq(clip_text(&c, "short"), "short");
}
