/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schema_desc.c - any bytes as a .proto or a .schema.json (the first
 * byte picks which): a description within its bounds or a one-line
 * refusal, from the readers that hold those files against the contract
 * (encode/schema_desc.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode/schema_desc.h"
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    int proto = data[0] & 1;
    char *text = malloc(size); /* the rest, NUL-terminated */
    if (!text) abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    static schema_desc d;
    char err[1024] = "";
    int r = proto ? schema_desc_proto("fuzz.proto", text, &d, err, sizeof err)
                  : schema_desc_json("fuzz.schema.json", text, size - 1, &d, err, sizeof err);
    if (r != 0 && (!err[0] || strchr(err, '\n'))) { /* every refusal says why, in one line */
        fprintf(stderr, "refusal without one line: '%s'\n", err);
        abort();
    }
    if (r == 0 && d.n > DESC_FIELDS_MAX) abort();
    free(text);
    return 0;
}
