/* SPDX-License-Identifier: Apache-2.0 */
/* test_origins.c - every error names the origin the user wrote: the flag
 * when it came from the command line, file:line and the setting when it
 * came from a config file, even when the value that failed was derived
 * from it (an intensity --rate chose), checked by a library later (a
 * librdkafka property), or refused before libconfig parsed the line (an
 * integer past 64 bits). One test per kind; each case is one line, exit 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support.h"

/* A config file holding text; its path in path. */
static void config_with(const char *tag, const char *text, char *path, size_t cap) {
    support_tmp_path(tag, path, cap);
    support_write_file(path, text);
}

Test(origins, an_intensity_that_rate_chose_is_blamed_on_the_rate_as_written) {
    const char *cli[] = { "plan", "--rate", "1e12", NULL };
    support_refused_with(cli, "--rate: expected a rate the scenario reaches at an intensity in [0, 1e9], got 1e+12 "
                              "(intensity 4.80769e+12)");
    char path[512], want[1200];
    config_with("rate.cfg", "\nrate = { messages_per_s = 1e12; };\n", path, sizeof path);
    const char *file[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want,
             "%s:2: rate.messages_per_s: expected a rate the scenario reaches at an intensity in [0, 1e9], "
             "got 1e+12 (intensity 4.80769e+12)",
             path);
    support_refused_with(file, want);
}

Test(origins, a_librdkafka_property_from_a_config_file_is_named_by_its_line_not_as_x) {
    char path[512], want[1200];
    config_with("props.cfg", "kafka = {\n  properties = [ \"linger.ms=5\",\n    \"bogus.prop=1\" ];\n};\n", path,
                sizeof path);
    const char *file[] = { "run", "-c", path, "--duration", "1h", NULL };
    snprintf(want, sizeof want,
             "%s:3: kafka.properties: bogus.prop=***: No such configuration property: \"bogus.prop\"", path);
    support_refused_with(file, want);
    const char *cli[] = { "run", "-c", path, "-X", "batch.num.messages=many", "--duration", "1h", NULL };
    config_with("props.cfg", "kafka = { properties = [ ]; };\n", path, sizeof path);
    support_refused_with(cli,
                         "-X batch.num.messages=many: Invalid value for configuration property \"batch.num.messages\"");
}

Test(origins, an_integer_past_64_bits_names_its_setting) {
    char path[512], want[1200];
    config_with("big.cfg", "seed = 1;\nkafka = {\n  partitions = 99999999999999999999999;\n};\n", path, sizeof path);
    const char *file[] = { "plan", "-c", path, NULL };
    snprintf(want, sizeof want,
             "%s:3: kafka.partitions: expected an integer that fits 64 bits, got 99999999999999999999999", path);
    support_refused_with(file, want);
}
