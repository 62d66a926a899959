/* SPDX-License-Identifier: Apache-2.0 */
/* test_times.c - a time is a day that exists, in UTC: wherever shopstream
 * reads one (--start on the command line and in a config file, verify's
 * --until), a date the calendar does not have, a field without its digits,
 * a time of day that does not exist, or a time without its Z (a local time
 * read as UTC would mean another instant) is refused with the flag or the
 * line; the forms the guide shows are taken. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

static const char *const malformed[] = {
    "2026-02-30",
    "2025-02-29",
    "2026-04-31T00:00:00Z",
    "2026-13-01",
    "2026-00-10",
    "2026-1-1",
    "2026-01-01T6:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:60Z",
    "2026-01-01T00:00:00",
    "2026-01-01T00:00:00.Z",
    "2026-01-01T00:00:00+01:00",
    "26-01-01",
    "2026-01-01Z",
    "2026/01/01",
};
static const char *const wellformed[] = { "2024-02-29", "2026-01-01T06:00:00Z", "2026-01-01 06:00:00Z",
                                          "2026-01-01T06:00:00.250Z", " 2026-01-01 " };

static void start_refused_everywhere(const char *t) {
    char want[1200], path[512];
    run_result r;
    const char *cli[] = { "plan", "--start", t, "--duration", "1h", NULL };
    support_run(cli, &r);
    snprintf(want, sizeof want,
             "shopstream: --start: expected auto, now, or an ISO-8601 UTC time such as 2026-01-01T00:00:00Z, got %s\n",
             t);
    cr_assert_eq(r.exit_code, 2, "--start %s: exit %d", t, r.exit_code);
    cr_assert_str_eq(r.stderr_text, want);
    support_tmp_path("start.cfg", path, sizeof path);
    char text[200];
    snprintf(text, sizeof text, "duration = \"1h\";\nstart = \"%s\";\n", t);
    support_write_file(path, text);
    const char *file[] = { "plan", "-c", path, NULL };
    support_run(file, &r);
    cr_assert_eq(r.exit_code, 2, "start = %s: exit %d", t, r.exit_code);
    snprintf(want, sizeof want, "%s:2: start: expected", path);
    cr_assert(strstr(r.stderr_text, want) != NULL, "start = %s: %s", t, r.stderr_text);
}

Test(times, dates_and_times_that_do_not_exist_or_are_malformed_are_refused_on_the_flag_and_the_line) {
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) start_refused_everywhere(malformed[i]);
}

Test(times, verify_until_takes_no_time_that_does_not_exist) {
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
        if (strlen(malformed[i]) < 10 || strchr(malformed[i], '/')) continue; /* a duration reader's, not a time */
        const char *args[] = { "verify",     "-b", "127.0.0.1:1", "--start",    "2026-01-01T00:00:00Z",
                               "--duration", "1h", "--until",     malformed[i], NULL };
        run_result r;
        support_run(args, &r);
        cr_assert_eq(r.exit_code, 2, "--until %s: exit %d: %s", malformed[i], r.exit_code, r.stderr_text);
        cr_assert(strncmp(r.stderr_text, "shopstream: --until: expected a time", 36) == 0, "--until %s: %s",
                  malformed[i], r.stderr_text);
    }
}

Test(times, the_forms_the_guide_shows_are_taken) {
    for (size_t i = 0; i < sizeof wellformed / sizeof *wellformed; i++) {
        const char *args[] = { "plan", "--start", wellformed[i], "--duration", "1h", NULL };
        run_result r;
        support_run(args, &r);
        cr_assert_eq(r.exit_code, 0, "--start '%s': %s", wellformed[i], r.stderr_text);
    }
}
