/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_units.c - durations, delays, times, speeds and numbers from any
 * text: a value in range or a refusal, a delay that is a duration or 0, and
 * a time that formats and reads back. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "base/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_as_string(data, size);
    int64_t ms;
    double d;
    uint64_t u;
    int64_t delay;
    int duration_ok = units_duration_ms(s, &ms) == 0;
    if (duration_ok && ms < 1) abort();
    /* a delay: a duration, or 0 */
    if (units_delay_ms(s, &delay) == 0 ? delay < 0 || (duration_ok && delay != ms) || (!duration_ok && delay != 0)
                                       : duration_ok)
        abort();
    if (units_time_ms(s, &ms) == 0 && ms >= 0 && ms < INT64_C(253402300800000)) {
        char back[64];
        int64_t again;
        units_format_time(ms, back, sizeof back);
        if (units_time_ms(back, &again) != 0 || again != ms) abort();
    }
    if (units_speed(s, &d) == 0 && !(d >= 0.0 && d <= 1e12)) abort();
    if (units_double(s, &d) == 0 && (d != d)) abort();
    if (units_uint64(s, 3, 9, &u) == 0 && (u < 3 || u > 9)) abort();
    free(s);
    return 0;
}
