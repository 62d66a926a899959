/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_json.c - any bytes as a string in a JSON value: what jsonenc writes
 * always parses (jansson), and valid UTF-8 reads back unchanged. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/cfgread.h"
#include "fuzz_support.h"
#include "encode/jsonenc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_as_string(data, size);
    size_t cap = 6 * strlen(s) + 16;
    char *out = malloc(cap);
    int n = jsonenc_string(out, cap, 0, s);
    if (n < 0) abort(); /* six bytes a byte is always enough */
    json_error_t e;
    json_t *j = json_loadb(out, (size_t)n, JSON_DECODE_ANY, &e);
    if (!j || !json_is_string(j)) abort();
    if (cfgread_utf8(s) && strcmp(json_string_value(j), s) != 0) abort();
    json_decref(j);
    free(out);
    free(s);
    return 0;
}
