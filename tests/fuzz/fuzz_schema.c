/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_schema.c - any bytes as orders.avsc beside the shipped schemas: an
 * encoder or a one-line refusal; an encoder that was built encodes an order
 * within the bound it promised. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encode/encoder.h"
#include "engine.h"
#include "fuzz_support.h"

static char dir[256];
static engine *eng;
static order_batch batch;

static void setup(void) {
    char cmd[1024], err[512];
    snprintf(dir, sizeof dir, "/tmp/fuzz-schema.%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/schemas/*.avsc %s/", dir, fuzz_source_dir(), dir);
    if (system(cmd) != 0) abort();
    engine_settings s;
    engine_settings_default(&s);
    s.duration_ms = 3600000;
    if (engine_new(&s, &eng, err, sizeof err) != 0 || order_batch_init(&batch, 8) != 0) abort();
    engine_fill(eng, 0, 1, 8, &batch);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!eng) setup();
    char path[512], err[1024];
    snprintf(path, sizeof path, "%s/orders.avsc", dir);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    fwrite(data, 1, size, f);
    fclose(f);
    encoder *enc = NULL;
    if (encoder_new(dir, "USD", "baseline", FORMAT_AVRO, &enc, err, sizeof err) == 0) {
        size_t bound = encoder_value_bound(enc, TOPIC_ORDERS);
        char *buf = malloc(bound);
        for (size_t k = 0; k < batch.n_orders; k++)
            if (encoder_order(enc, &batch, k, buf, bound) < 0) abort(); /* the bound must hold */
        free(buf);
        encoder_free(enc);
    } else if (!err[0]) {
        abort(); /* every refusal says why */
    }
    return 0;
}
