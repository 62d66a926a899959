/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_scenario.c - any bytes as a scenario file: refused with its file
 * and line, or a timeline the engine plans in bounded time (a plan of six
 * hours is built from every accepted one: the hang issue 17 found was in
 * planning an exponential ramp). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "fuzz_support.h"
#include "options/scenario_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64], err[1024];
    int fd = fuzz_as_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
    static engine_settings s;
    engine_settings_default(&s);
    s.duration_ms = 6 * INT64_C(3600000);
    int lines[SCENARIO_EFFECTS_MAX];
    if (scenario_file_load(path, s.products, &s.scenario, lines, err, sizeof err) == 0) {
        plan p;
        if (plan_new(&p, &s, err, sizeof err) == 0) plan_free(&p);
    } else if (strncmp(err, path, strlen(path)) != 0) {
        abort();
    }
    close(fd);
    return 0;
}
