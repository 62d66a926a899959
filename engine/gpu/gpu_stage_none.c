/* SPDX-License-Identifier: Apache-2.0 */
/* gpu_stage_none.c - the GPU stage of a build without CUDA (see gpu_stage.h).
 *
 * Linked instead of gpu_stage.cu when CMake found no CUDA compiler or was
 * told SHOPSTREAM_CUDA=OFF: every entry point says so, so callers need no
 * #ifdef and --engine gpu fails with a reason a person can act on. */
#include "gpu_stage.h"

#include <stdio.h>

#define WHY                                                                                                            \
    "this shopstream was built without CUDA (SHOPSTREAM_CUDA=OFF, or no CUDA compiler "                                \
    "at build time: see scripts/setup.sh --cuda)"

int gpu_stage_built(void) { return 0; }

const char *gpu_stage_build_info(void) { return "built without CUDA"; }

int gpu_stage_probe(char *info, size_t infolen) {
    snprintf(info, infolen, "%s", WHY);
    return -1;
}

int gpu_stage_new(const engine *e, size_t lanes, size_t batch_orders, unsigned flags, gpu_stage **out, char *errstr,
                  size_t errlen) {
    (void)e, (void)lanes, (void)batch_orders, (void)flags;
    *out = NULL;
    snprintf(errstr, errlen, "GPU: %s", WHY);
    return -1;
}

void gpu_stage_free(gpu_stage *g) { (void)g; }

int gpu_stage_emulated(const gpu_stage *g) {
    (void)g;
    return 0;
}

const char *gpu_stage_describe(const gpu_stage *g) {
    (void)g;
    return WHY;
}

int gpu_stage_fill(gpu_stage *g, size_t lane, uint64_t first, uint64_t stride, size_t count, order_batch *b,
                   char *errstr, size_t errlen) {
    (void)g, (void)lane, (void)first, (void)stride, (void)count, (void)b;
    snprintf(errstr, errlen, "GPU: %s", WHY);
    return -1;
}

const gen_pool_filler *gpu_stage_filler(gpu_stage *g) {
    (void)g;
    return NULL;
}

int gpu_stage_emulate_fill(const engine *e, uint64_t first, uint64_t stride, size_t count, order_batch *b, char *errstr,
                           size_t errlen) {
    (void)e, (void)first, (void)stride, (void)count, (void)b;
    snprintf(errstr, errlen, "emulated GPU: %s", WHY);
    return -1;
}

int gpu_stage_time_kernels(gpu_stage *g, uint64_t first, size_t count, int reps, double *seconds, char *errstr,
                           size_t errlen) {
    (void)g, (void)first, (void)count, (void)reps, (void)seconds;
    snprintf(errstr, errlen, "GPU: %s", WHY);
    return -1;
}

int gpu_stage_time_copy(gpu_stage *g, size_t bytes, int reps, double *bytes_per_second, char *errstr, size_t errlen) {
    (void)g, (void)bytes, (void)reps, (void)bytes_per_second;
    snprintf(errstr, errlen, "GPU: %s", WHY);
    return -1;
}
