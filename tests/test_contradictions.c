/* SPDX-License-Identifier: Apache-2.0 */
/* test_contradictions.c - settings that contradict the scenario are refused
 * before anything runs, blamed on the setting as written (flag or file
 * line); scenario entries that cannot take effect in a run this short are
 * named in a warning, and the run goes on. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

Test(contradictions, a_price_war_with_product_changes_off_is_refused_on_the_flag_or_the_line) {
    const char *cli[] = { "plan", "-s", "price_war", "--product-changes", "off", NULL };
    support_refused_with(
        cli, "--product-changes: expected on for scenario price_war, whose price_war cuts prices as product "
             "versions, got off");
    char path[512], want[1200];
    support_tmp_path("pc.cfg", path, sizeof path);
    support_write_file(path, "scenario = \"price_war\";\ncatalog = {\n  product_changes = \"off\";\n};\n");
    const char *file[] = { "run", "-c", path, "--sink", "null", NULL };
    snprintf(want, sizeof want,
             "%s:3: catalog.product_changes: expected on for scenario price_war, whose price_war cuts prices as "
             "product versions, got off",
             path);
    support_refused_with(file, want);
}

Test(contradictions, effects_after_checkout_with_the_lifecycle_off_are_refused) {
    const char *delay[] = { "plan", "-s", "carrier_delay", "--lifecycle", "off", NULL };
    support_refused_with(
        delay, "--lifecycle: expected on for scenario carrier_delay, whose carrier_delay acts after checkout, "
               "got off");
    const char *wave[] = { "expect", "-s", "black_friday", "--lifecycle", "off", NULL };
    support_refused_with(wave,
                         "--lifecycle: expected on for scenario black_friday, whose return_wave acts after checkout, "
                         "got off");
}

Test(contradictions, entries_past_the_end_of_the_run_are_named_in_a_warning_and_the_run_goes_on) {
    const char *args[] = { "run", "-s", "payment_outage", "--duration", "1h", "--sink", "null", "-q", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "shopstream: warning: scenario payment_outage: 2 of its 2 timeline entries start "
                                    "after the run's 1 hours (the first, entry 0, at hour 1) and cannot take effect\n"),
              "%s", r.stderr_text);
    const char *whole[] = { "run", "-s", "payment_outage", "--duration", "6h", "--sink", "null", "-q", NULL };
    support_run(whole, &r);
    cr_assert_eq(r.exit_code, 0);
    cr_assert_null(strstr(r.stderr_text, "warning"), "%s", r.stderr_text);
}
