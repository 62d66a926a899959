/* SPDX-License-Identifier: Apache-2.0 */
/* gpu_stage.h - the engine's GPU stage: batches filled by CUDA kernels.
 *
 * The same orders as engine_fill(), byte for byte: the kernels run
 * order_gen.h, the CPU engine's own code, with cuRAND's
 * curand_Philox4x32_10 on the same counter and key layout, against the
 * engine's catalog, plan and thresholds uploaded once. Each generator thread
 * of the pool drives one lane: a CUDA stream and a device buffer. A batch is
 * counted (items per order), scanned (where each order's items go), filled,
 * and copied into the ring slot's pinned host memory as two spans, the
 * order columns and the item columns (batch.h's packed layout). With T
 * threads, T batches are in flight, so one lane's kernels overlap another's
 * copies and the encoding of a third; the encoder never knows which engine
 * filled a batch.
 *
 * A plain C interface: callers need no CUDA headers, and a build without
 * CUDA links gpu_stage_none.c, whose probe says so. */
#ifndef SHOPSTREAM_GPU_STAGE_H
#define SHOPSTREAM_GPU_STAGE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "pool.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gpu_stage gpu_stage;

/* 1 if this build has the CUDA stage; its description ("CUDA runtime 13.5,
 * kernels for 75-virtual;90-real") either way. */
int gpu_stage_built(void);
const char *gpu_stage_build_info(void);

/* 0 if a GPU is usable here, with its description in info ("NVIDIA H100
 * 80GB HBM3, compute 9.0, 79.1 GiB"); else -1 with the cause in info: no
 * driver, a driver too old for the runtime, no device, no kernel for the
 * device's architecture, or a build without CUDA. */
int gpu_stage_probe(char *info, size_t infolen);

/* gpu_stage_new flags. MAY_EMULATE: with SHOPSTREAM_GPU_EMULATE=1 in the
 * environment, open a stage that needs no GPU and fills each batch with
 * gpu_stage_emulate_fill(), in ordinary memory; tests use it to drive whole
 * runs through the stage on machines without one. */
enum { GPU_STAGE_MAY_EMULATE = 1u << 0 };

/* Uploads e's tables and sets up lanes lanes for batches of up to
 * batch_orders orders. Errors name the cause (out of GPU memory: how much
 * it needed and how much was free). e must outlive the stage. */
int gpu_stage_new(const engine *e, size_t lanes, size_t batch_orders, unsigned flags, gpu_stage **out, char *errstr,
                  size_t errlen);
void gpu_stage_free(gpu_stage *g);

/* 1 if the stage was opened emulated (SHOPSTREAM_GPU_EMULATE=1). */
int gpu_stage_emulated(const gpu_stage *g);

/* What it runs on, as gpu_stage_probe() said when it opened (or that it is
 * emulated). */
const char *gpu_stage_describe(const gpu_stage *g);

/* Fills b (whose memory should come from the filler's alloc_block) like
 * engine_fill(e, first, stride, count, b), on lane lane; one thread per lane
 * at a time. */
int gpu_stage_fill(gpu_stage *g, size_t lane, uint64_t first, uint64_t stride, size_t count, order_batch *b,
                   char *errstr, size_t errlen);

/* The stage as a pool filler: gpu_stage_fill on the thread's lane, and
 * pinned host memory for the ring. */
const gen_pool_filler *gpu_stage_filler(gpu_stage *g);

/* The stage's own steps run on the host instead: the count, scan, fill and
 * packed layout, with cuRAND's Philox compiled for the host. What a GPU
 * would write, checkable without one. Needs a CUDA build, not a GPU. */
int gpu_stage_emulate_fill(const engine *e, uint64_t first, uint64_t stride, size_t count, order_batch *b, char *errstr,
                           size_t errlen);

/* For perf/: seconds for reps launches of the kernels alone over count
 * orders from first (no copy to the host), and the device-to-host bandwidth
 * into pinned memory in bytes per second. */
int gpu_stage_time_kernels(gpu_stage *g, uint64_t first, size_t count, int reps, double *seconds, char *errstr,
                           size_t errlen);
int gpu_stage_time_copy(gpu_stage *g, size_t bytes, int reps, double *bytes_per_second, char *errstr, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
