/* SPDX-License-Identifier: Apache-2.0 */
/* gpu_stage.cu - the CUDA kernels and their host side (see gpu_stage.h).
 *
 * Per batch of n orders on a lane's stream:
 *   k_count   item count of each order, into first_item[] and item_count[]
 *   cub scan  first_item[] becomes each order's first item row (exclusive)
 *   k_total   the batch's item total m, for the fill
 *   k_fill    every order and item, through order_gen_fill() into the
 *             columns packed for (n, m)
 * with m copied to a pinned word and the order columns queued behind the
 * fill; the host waits for m only (while the fill runs), queues the item
 * columns, and waits once more for the batch. The device buffer of a lane
 * holds the same bytes at the same offsets as the host batch it lands in.
 * Waits block (cudaEventBlockingSync) rather than spin, so a thread waiting
 * on its lane leaves its core to the encoders.
 *
 * cuRAND's Philox is compiled for host and device (QUALIFIERS below), so
 * gpu_stage_emulate_fill() runs these very steps on the host. With
 * SHOPSTREAM_GPU_EMULATE=1 in the environment a stage opens without a GPU
 * and fills every batch that way: how the tests drive a whole run through
 * the stage's code, layout and pool wiring on machines without one. */
#include <cuda_runtime.h>

#define QUALIFIERS static __forceinline__ __host__ __device__
#include <curand_philox4x32_x.h>

#include <cub/device/device_scan.cuh>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

extern "C" {
#include "philox.h"
}

/* The draw order_gen.h makes: cuRAND's Philox4x32-10 on counter (index low,
 * index high, stream, sub) and key (seed low, seed high), exactly
 * philox_draw()'s layout. */
static __host__ __device__ __forceinline__ philox_ctr gpu_draw(philox_key k, uint64_t index, uint32_t stream,
                                                               uint32_t sub) {
    uint4 c = make_uint4((uint32_t)index, (uint32_t)(index >> 32), stream, sub);
    uint4 r = curand_Philox4x32_10(c, make_uint2(k.v[0], k.v[1]));
    philox_ctr out = { { r.x, r.y, r.z, r.w } };
    return out;
}
#define ORDER_GEN_DRAW gpu_draw

extern "C" {
#include "engine.h"
#include "order_gen.h"
#include "gpu_stage.h"
}

#ifndef SHOPSTREAM_CUDA_ARCHITECTURES
#define SHOPSTREAM_CUDA_ARCHITECTURES "unknown"
#endif

enum { THREADS_PER_BLOCK = 256 };

/* ---- the steps, one order each: the kernels and the host emulation ---- */

static __host__ __device__ __forceinline__ void step_count(const order_model *m, uint64_t first, uint64_t stride,
                                                           size_t k, char *block, const size_t *off) {
    unsigned c = order_gen_item_count(m, first + k * stride);
    ((uint32_t *)(void *)(block + off[7]))[k] = c;
    ((uint8_t *)(block + off[11]))[k] = (uint8_t)c;
}

static __host__ __device__ __forceinline__ uint32_t step_total(size_t n, const char *block, const size_t *off) {
    return ((const uint32_t *)(const void *)(block + off[7]))[n - 1] + ((const uint8_t *)(block + off[11]))[n - 1];
}

static __host__ __device__ __forceinline__ void step_fill(const order_model *m, uint64_t first, uint64_t stride,
                                                          size_t n, size_t k, uint32_t n_items, char *block) {
    size_t off[BATCH_COLUMNS];
    order_batch view;
    order_batch_layout(n, n_items, off);
    order_batch_point(&view, block, off);
    uint64_t g = first + k * stride;
    uint32_t item0 = view.first_item[k];
    order_gen_fill(m, g, &m->slices[order_gen_slice(m, g)], &view, k, item0);
}

struct count_args {
    uint64_t first, stride;
    uint32_t n;
    size_t off_first_item, off_item_count;
};

/* The model is read through a pointer to device memory: indexing a
 * by-value kernel parameter with per-thread values (a mix by cohort, say)
 * serialises constant-bank loads. */
static __global__ void k_count(const order_model *__restrict__ m, count_args a, char *block) {
    size_t k = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= a.n) return;
    size_t off[BATCH_COLUMNS];
    off[7] = a.off_first_item;
    off[11] = a.off_item_count;
    step_count(m, a.first, a.stride, k, block, off);
}

static __global__ void k_total(count_args a, const char *block, uint32_t *n_items) {
    size_t off[BATCH_COLUMNS];
    off[7] = a.off_first_item;
    off[11] = a.off_item_count;
    *n_items = step_total(a.n, block, off);
}

static __global__ void k_fill(const order_model *__restrict__ m, count_args a, char *block, const uint32_t *n_items) {
    size_t k = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= a.n) return;
    step_fill(m, a.first, a.stride, a.n, k, *n_items, block);
}

/* ---- errors ---- */

#define CUDA_TRY(call)                                                                                                 \
    do {                                                                                                               \
        cudaError_t err_ = (call);                                                                                     \
        if (err_ != cudaSuccess) {                                                                                     \
            snprintf(errstr, errlen, "GPU: %s failed: %s (%s)", #call, cudaGetErrorString(err_),                       \
                     cudaGetErrorName(err_));                                                                          \
            goto fail;                                                                                                 \
        }                                                                                                              \
    } while (0)

/* ---- the stage ---- */

struct gpu_lane {
    cudaStream_t stream;
    char *d_block;     /* the batch, packed as the host copy will be */
    uint32_t *d_items; /* its item total */
    uint32_t *h_items; /* ... copied to pinned host memory */
    void *d_scan;      /* cub's scratch */
    size_t scan_bytes;
    cudaEvent_t items_known; /* h_items holds the total */
    cudaEvent_t landed;      /* the whole batch is in host memory */
};

/* Device copies of the engine's tables, freed in reverse order. */
enum { DEVICE_TABLES_MAX = 64 };

struct gpu_stage {
    int emulated;          /* SHOPSTREAM_GPU_EMULATE=1: the host runs the steps */
    char description[256]; /* the probe's, or the emulation's */
    int device;
    const engine *engine;
    order_model model;    /* the engine's, its pointers on the device */
    order_model *d_model; /* ... itself in device memory, for the kernels */
    void *tables[DEVICE_TABLES_MAX];
    size_t n_tables;
    gpu_lane *lanes;
    size_t n_lanes;
    size_t batch_orders;
    gen_pool_filler filler;
};

extern "C" int gpu_stage_built(void) { return 1; }

extern "C" const char *gpu_stage_build_info(void) {
    static char info[128];
    snprintf(info, sizeof info, "CUDA runtime %d.%d, kernels for %s", CUDART_VERSION / 1000, CUDART_VERSION % 1000 / 10,
             SHOPSTREAM_CUDA_ARCHITECTURES);
    return info;
}

extern "C" int gpu_stage_probe(char *info, size_t infolen) {
    int driver = 0, runtime = 0, n = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    if (driver == 0) {
        snprintf(info, infolen, "no NVIDIA driver (libcuda.so.1 not found)");
        return -1;
    }
    cudaError_t err = cudaGetDeviceCount(&n);
    /* CUDA's minor-version compatibility runs a 13.x build on any 13.x
     * driver; only an older major version is refused outright. */
    if (err == cudaErrorInsufficientDriver || driver / 1000 < runtime / 1000) {
        snprintf(info, infolen, "the NVIDIA driver supports CUDA %d.%d, older than this build's runtime %d.%d",
                 driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10);
        return -1;
    }
    if (err == cudaErrorNoDevice || (err == cudaSuccess && n == 0)) {
        snprintf(info, infolen, "no CUDA device");
        return -1;
    }
    if (err != cudaSuccess) {
        snprintf(info, infolen, "cannot count CUDA devices: %s", cudaGetErrorString(err));
        return -1;
    }
    cudaDeviceProp prop;
    if ((err = cudaGetDeviceProperties(&prop, 0)) != cudaSuccess) {
        snprintf(info, infolen, "cannot read device 0: %s", cudaGetErrorString(err));
        return -1;
    }
    cudaFuncAttributes attr;
    err = cudaFuncGetAttributes(&attr, k_fill);
    if (err == cudaErrorUnsupportedPtxVersion) {
        snprintf(info, infolen,
                 "%s (compute %d.%d): the NVIDIA driver (CUDA %d.%d) is too old to compile this "
                 "build's PTX (CUDA %d.%d); update the driver, or rebuild with -DCMAKE_CUDA_ARCHITECTURES=%d%d",
                 prop.name, prop.major, prop.minor, driver / 1000, driver % 1000 / 10, runtime / 1000,
                 runtime % 1000 / 10, prop.major, prop.minor);
        cudaGetLastError();
        return -1;
    }
    if (err != cudaSuccess) {
        snprintf(info, infolen,
                 "%s (compute %d.%d): no kernel for it in this build (%s): %s; "
                 "rebuild with -DCMAKE_CUDA_ARCHITECTURES=%d%d",
                 prop.name, prop.major, prop.minor, SHOPSTREAM_CUDA_ARCHITECTURES, cudaGetErrorString(err), prop.major,
                 prop.minor);
        cudaGetLastError();
        return -1;
    }
    snprintf(info, infolen, "%s, compute %d.%d, %.1f GiB, driver CUDA %d.%d", prop.name, prop.major, prop.minor,
             (double)prop.totalGlobalMem / (1 << 30), driver / 1000, driver % 1000 / 10);
    return 0;
}

/* A device copy of n bytes at host, owned by the stage; NULL for n == 0. */
static int upload(gpu_stage *g, const void *host, size_t n, void **dev, char *errstr, size_t errlen) {
    *dev = NULL;
    if (n == 0 || host == NULL) return 0;
    if (g->n_tables == DEVICE_TABLES_MAX) {
        snprintf(errstr, errlen, "GPU: more than %d tables to upload", DEVICE_TABLES_MAX);
        return -1;
    }
    CUDA_TRY(cudaMalloc(dev, n));
    g->tables[g->n_tables++] = *dev;
    CUDA_TRY(cudaMemcpy(*dev, host, n, cudaMemcpyHostToDevice));
    return 0;
fail:
    return -1;
}

static int upload_alias(gpu_stage *g, const alias_table *host, alias_table *dev, char *errstr, size_t errlen) {
    void *p;
    *dev = *host;
    if (upload(g, host->threshold, host->n * sizeof *host->threshold, &p, errstr, errlen) != 0) return -1;
    dev->threshold = (uint64_t *)p;
    if (upload(g, host->alias, host->n * sizeof *host->alias, &p, errstr, errlen) != 0) return -1;
    dev->alias = (uint32_t *)p;
    if (upload(g, host->item, host->item ? host->n * sizeof *host->item : 0, &p, errstr, errlen) != 0) return -1;
    dev->item = (uint32_t *)p;
    return 0;
}

/* The engine's order model with every table on the device. */
static int upload_model(gpu_stage *g, char *errstr, size_t errlen) {
    const order_model *h = engine_get_model(g->engine);
    const catalog *c = engine_get_catalog(g->engine);
    order_model *d = &g->model;
    void *p;
    *d = *h;
    if (upload(g, h->customers, h->n_customers * sizeof *h->customers, &p, errstr, errlen) != 0) return -1;
    d->customers = (const customer *)p;
    for (int k = 0; k < COHORT_COUNT; k++) {
        if (upload(g, h->by_cohort[k], h->n_by_cohort[k] * sizeof *h->by_cohort[k], &p, errstr, errlen) != 0) return -1;
        d->by_cohort[k] = (const uint32_t *)p;
    }
    if (upload(g, h->products, c->n_products * sizeof *h->products, &p, errstr, errlen) != 0) return -1;
    d->products = (const product *)p;
    if (upload(g, h->versions, c->n_versions * sizeof *h->versions, &p, errstr, errlen) != 0) return -1;
    d->versions = (const product_version *)p;
    if (upload_alias(g, &h->popularity, &d->popularity, errstr, errlen) != 0) return -1;
    for (int k = 0; k < CATEGORY_COUNT; k++)
        if (upload_alias(g, &h->category_popularity[k], &d->category_popularity[k], errstr, errlen) != 0) return -1;
    if (upload(g, h->campaigns, h->n_campaigns * sizeof *h->campaigns, &p, errstr, errlen) != 0) return -1;
    d->campaigns = (const campaign *)p;
    if (upload(g, h->slices, h->n_slices * sizeof *h->slices, &p, errstr, errlen) != 0) return -1;
    d->slices = (const plan_slice *)p;
    if (upload(g, d, sizeof *d, &p, errstr, errlen) != 0) return -1;
    g->d_model = (order_model *)p;
    /* cudaMemcpy from pageable memory may return before the data has
     * landed, and the lanes' non-blocking streams do not wait for it. */
    CUDA_TRY(cudaDeviceSynchronize());
    return 0;
fail:
    return -1;
}

/* Device bytes of the model's tables. */
static size_t model_bytes(const order_model *m, const catalog *c) {
    size_t n = sizeof *m + m->n_customers * sizeof *m->customers + c->n_products * sizeof *m->products +
               c->n_versions * sizeof *m->versions + m->n_campaigns * sizeof *m->campaigns +
               m->n_slices * sizeof *m->slices;
    for (int k = 0; k < COHORT_COUNT; k++) n += m->n_by_cohort[k] * sizeof *m->by_cohort[k];
    for (int k = 0; k <= CATEGORY_COUNT; k++) {
        const alias_table *t = k < CATEGORY_COUNT ? &m->category_popularity[k] : &m->popularity;
        n += t->n * (sizeof *t->threshold + sizeof *t->alias + (t->item ? sizeof *t->item : 0));
    }
    return n;
}

static size_t scan_scratch_bytes(size_t n) {
    size_t bytes = 0;
    if (cub::DeviceScan::ExclusiveSum(NULL, bytes, (uint32_t *)NULL, (uint32_t *)NULL, (int)n) != cudaSuccess) return 0;
    return bytes;
}

static int lane_open(gpu_stage *g, gpu_lane *l, char *errstr, size_t errlen) {
    size_t block = order_batch_bytes(g->batch_orders);
    l->scan_bytes = scan_scratch_bytes(g->batch_orders);
    if (l->scan_bytes == 0) {
        snprintf(errstr, errlen, "GPU: cub cannot size a scan of %zu items", g->batch_orders);
        return -1;
    }
    CUDA_TRY(cudaStreamCreateWithFlags(&l->stream, cudaStreamNonBlocking));
    CUDA_TRY(cudaEventCreateWithFlags(&l->items_known, cudaEventBlockingSync | cudaEventDisableTiming));
    CUDA_TRY(cudaEventCreateWithFlags(&l->landed, cudaEventBlockingSync | cudaEventDisableTiming));
    CUDA_TRY(cudaMalloc((void **)&l->d_block, block));
    CUDA_TRY(cudaMalloc((void **)&l->d_items, sizeof *l->d_items));
    CUDA_TRY(cudaHostAlloc((void **)&l->h_items, sizeof *l->h_items, cudaHostAllocPortable));
    CUDA_TRY(cudaMalloc(&l->d_scan, l->scan_bytes));
    return 0;
fail:
    return -1;
}

static void lane_close(gpu_lane *l) {
    cudaFree(l->d_scan);
    if (l->h_items) cudaFreeHost(l->h_items);
    cudaFree(l->d_items);
    cudaFree(l->d_block);
    if (l->landed) cudaEventDestroy(l->landed);
    if (l->items_known) cudaEventDestroy(l->items_known);
    if (l->stream) cudaStreamDestroy(l->stream);
}

static int filler_fill(void *ctx, size_t thread, uint64_t first, uint64_t stride, size_t count, order_batch *b,
                       char *errstr, size_t errlen) {
    return gpu_stage_fill((gpu_stage *)ctx, thread, first, stride, count, b, errstr, errlen);
}

static void *filler_alloc(void *ctx, size_t bytes) {
    void *p = NULL;
    if (((gpu_stage *)ctx)->emulated) return aligned_alloc(64, bytes);
    return cudaHostAlloc(&p, bytes, cudaHostAllocPortable) == cudaSuccess ? p : NULL;
}

static void filler_free(void *ctx, void *block) {
    if (((gpu_stage *)ctx)->emulated)
        free(block);
    else
        cudaFreeHost(block);
}

static int emulation_asked(void) {
    const char *v = getenv("SHOPSTREAM_GPU_EMULATE");
    return v && strcmp(v, "1") == 0;
}

extern "C" int gpu_stage_new(const engine *e, size_t lanes, size_t batch_orders, unsigned flags, gpu_stage **out,
                             char *errstr, size_t errlen) {
    *out = NULL;
    char info[256] = "";
    int emulate = (flags & GPU_STAGE_MAY_EMULATE) && emulation_asked();
    if (!emulate && gpu_stage_probe(info, sizeof info) != 0) {
        snprintf(errstr, errlen, "GPU: %s", info);
        return -1;
    }
    if (lanes < 1 || batch_orders < 1 || batch_orders > INT32_MAX / ITEMS_MAX) {
        snprintf(errstr, errlen, "GPU: lanes must be >= 1 and a batch 1 to %d orders", INT32_MAX / ITEMS_MAX);
        return -1;
    }
    gpu_stage *g = new (std::nothrow) gpu_stage();
    if (!g) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    g->engine = e;
    g->batch_orders = batch_orders;
    g->lanes = new (std::nothrow) gpu_lane[lanes]();
    if (!g->lanes) {
        delete g;
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    g->filler = gen_pool_filler{ filler_fill, filler_alloc, filler_free, g };
    snprintf(g->description, sizeof g->description, "%s",
             emulate ? "emulated on the host: SHOPSTREAM_GPU_EMULATE=1" : info);
    if (emulate) {
        g->emulated = 1;
        g->n_lanes = lanes; /* checked as a GPU's are; nothing on a device */
        *out = g;
        return 0;
    }

    size_t free_bytes = 0, total_bytes = 0;
    size_t need = lanes * (order_batch_bytes(batch_orders) + scan_scratch_bytes(batch_orders)) +
                  model_bytes(engine_get_model(e), engine_get_catalog(e));
    CUDA_TRY(cudaSetDevice(g->device));
    CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
    if (need > free_bytes) {
        snprintf(errstr, errlen,
                 "GPU: out of memory: %zu lanes of %zu-order batches need %.1f MiB, %.1f MiB free "
                 "(use fewer --threads or a smaller --gpu-batch-orders)",
                 lanes, batch_orders, need / 1048576.0, free_bytes / 1048576.0);
        gpu_stage_free(g);
        return -1;
    }
    if (upload_model(g, errstr, errlen) != 0) {
        gpu_stage_free(g);
        return -1;
    }
    for (size_t i = 0; i < lanes; i++) {
        g->n_lanes++;
        if (lane_open(g, &g->lanes[i], errstr, errlen) != 0) {
            gpu_stage_free(g);
            return -1;
        }
    }
    *out = g;
    return 0;
fail:
    gpu_stage_free(g);
    return -1;
}

extern "C" void gpu_stage_free(gpu_stage *g) {
    if (!g) return;
    if (g->emulated) g->n_lanes = 0;
    for (size_t i = g->n_lanes; i-- > 0;) lane_close(&g->lanes[i]);
    for (size_t i = g->n_tables; i-- > 0;) cudaFree(g->tables[i]);
    delete[] g->lanes;
    delete g;
}

extern "C" const gen_pool_filler *gpu_stage_filler(gpu_stage *g) { return &g->filler; }

/* Launches the count, scan, total and fill of n orders on lane l. */
static int launch(gpu_stage *g, gpu_lane *l, uint64_t first, uint64_t stride, size_t n, char *errstr, size_t errlen) {
    size_t off[BATCH_COLUMNS];
    order_batch_layout(n, 0, off);
    count_args a = { first, stride, (uint32_t)n, off[7], off[11] };
    unsigned blocks = (unsigned)((n + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK);
    uint32_t *first_item = (uint32_t *)(void *)(l->d_block + off[7]);
    size_t scan_bytes = l->scan_bytes;
    k_count<<<blocks, THREADS_PER_BLOCK, 0, l->stream>>>(g->d_model, a, l->d_block);
    CUDA_TRY(cudaGetLastError());
    CUDA_TRY(cub::DeviceScan::ExclusiveSum(l->d_scan, scan_bytes, first_item, first_item, (int)n, l->stream));
    k_total<<<1, 1, 0, l->stream>>>(a, l->d_block, l->d_items);
    CUDA_TRY(cudaGetLastError());
    CUDA_TRY(cudaMemcpyAsync(l->h_items, l->d_items, sizeof *l->h_items, cudaMemcpyDeviceToHost, l->stream));
    CUDA_TRY(cudaEventRecord(l->items_known, l->stream));
    k_fill<<<blocks, THREADS_PER_BLOCK, 0, l->stream>>>(g->d_model, a, l->d_block, l->d_items);
    CUDA_TRY(cudaGetLastError());
    return 0;
fail:
    return -1;
}

extern "C" int gpu_stage_fill(gpu_stage *g, size_t lane, uint64_t first, uint64_t stride, size_t count, order_batch *b,
                              char *errstr, size_t errlen) {
    b->first_index = first;
    b->n_orders = count;
    b->n_items = 0;
    if (count == 0) return 0;
    if (lane >= g->n_lanes || count > g->batch_orders || count > b->capacity) {
        snprintf(errstr, errlen, "GPU: lane %zu of %zu, batch of %zu orders for %zu", lane, g->n_lanes, count,
                 g->batch_orders);
        return -1;
    }
    if (g->emulated) return gpu_stage_emulate_fill(g->engine, first, stride, count, b, errstr, errlen);
    gpu_lane *l = &g->lanes[lane];
    size_t off[BATCH_COLUMNS];
    char *host = (char *)b->base;
    CUDA_TRY(cudaSetDevice(g->device));
    if (launch(g, l, first, stride, count, errstr, errlen) != 0) return -1;
    {
        /* The order columns queue behind the fill: their offsets do not
         * depend on the item total. The item columns' do: wait for it
         * (the fill is still running), then queue them and wait for all. */
        size_t orders_end = order_batch_layout(count, 0, off);
        CUDA_TRY(cudaMemcpyAsync(host, l->d_block, orders_end, cudaMemcpyDeviceToHost, l->stream));
        CUDA_TRY(cudaEventSynchronize(l->items_known));
        uint32_t n_items = *l->h_items;
        size_t end = order_batch_layout(count, n_items, off);
        CUDA_TRY(cudaMemcpyAsync(host + off[BATCH_ORDER_COLUMNS], l->d_block + off[BATCH_ORDER_COLUMNS],
                                 end - off[BATCH_ORDER_COLUMNS], cudaMemcpyDeviceToHost, l->stream));
        CUDA_TRY(cudaEventRecord(l->landed, l->stream));
        CUDA_TRY(cudaEventSynchronize(l->landed));
        if (step_total(count, host, off) != n_items) {
            snprintf(errstr, errlen, "GPU: batch at order %llu: item total %u, but its columns say %u",
                     (unsigned long long)first, n_items, step_total(count, host, off));
            return -1;
        }
        if (order_batch_pack(b, count, n_items) != 0) {
            snprintf(errstr, errlen, "GPU: batch at order %llu: %u items exceed the batch's capacity",
                     (unsigned long long)first, n_items);
            return -1;
        }
        b->n_items = n_items;
    }
    return 0;
fail:
    return -1;
}

extern "C" int gpu_stage_emulate_fill(const engine *e, uint64_t first, uint64_t stride, size_t count, order_batch *b,
                                      char *errstr, size_t errlen) {
    b->first_index = first;
    b->n_orders = count;
    b->n_items = 0;
    if (count == 0) return 0;
    if (count > b->capacity) {
        snprintf(errstr, errlen, "emulated GPU: batch of %zu orders for %zu", count, b->capacity);
        return -1;
    }
    const order_model *m = engine_get_model(e);
    char *block = (char *)b->base;
    size_t off[BATCH_COLUMNS];
    order_batch_layout(count, 0, off);
    for (size_t k = 0; k < count; k++) step_count(m, first, stride, k, block, off);
    /* cub's exclusive scan, in place. */
    uint32_t *first_item = (uint32_t *)(void *)(block + off[7]), run = 0;
    for (size_t k = 0; k < count; k++) {
        uint32_t c = first_item[k];
        first_item[k] = run;
        run += c;
    }
    uint32_t n_items = step_total(count, block, off);
    for (size_t k = 0; k < count; k++) step_fill(m, first, stride, count, k, n_items, block);
    if (order_batch_pack(b, count, n_items) != 0) {
        snprintf(errstr, errlen, "emulated GPU: %u items exceed the batch's capacity", n_items);
        return -1;
    }
    b->n_items = n_items;
    return 0;
}

extern "C" int gpu_stage_emulated(const gpu_stage *g) { return g->emulated; }

extern "C" const char *gpu_stage_describe(const gpu_stage *g) { return g->description; }

extern "C" int gpu_stage_time_kernels(gpu_stage *g, uint64_t first, size_t count, int reps, double *seconds,
                                      char *errstr, size_t errlen) {
    if (g->emulated) {
        snprintf(errstr, errlen, "GPU: emulated on the host, nothing to time");
        return -1;
    }
    gpu_lane *l = &g->lanes[0];
    CUDA_TRY(cudaSetDevice(g->device));
    if (count > g->batch_orders) count = g->batch_orders;
    if (count == 0 || reps < 1) {
        snprintf(errstr, errlen, "GPU: nothing to time");
        return -1;
    }
    if (launch(g, l, first, 1, count, errstr, errlen) != 0) return -1; /* warm-up */
    CUDA_TRY(cudaStreamSynchronize(l->stream));
    {
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; r++)
            if (launch(g, l, first, 1, count, errstr, errlen) != 0) return -1;
        CUDA_TRY(cudaStreamSynchronize(l->stream));
        *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    return 0;
fail:
    return -1;
}

extern "C" int gpu_stage_time_copy(gpu_stage *g, size_t bytes, int reps, double *bytes_per_second, char *errstr,
                                   size_t errlen) {
    if (g->emulated) {
        snprintf(errstr, errlen, "GPU: emulated on the host, nothing to time");
        return -1;
    }
    gpu_lane *l = &g->lanes[0];
    void *host = NULL;
    size_t block = order_batch_bytes(g->batch_orders);
    if (bytes > block) bytes = block;
    CUDA_TRY(cudaSetDevice(g->device));
    CUDA_TRY(cudaHostAlloc(&host, bytes, cudaHostAllocPortable));
    CUDA_TRY(cudaMemcpyAsync(host, l->d_block, bytes, cudaMemcpyDeviceToHost, l->stream));
    CUDA_TRY(cudaStreamSynchronize(l->stream));
    {
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; r++)
            CUDA_TRY(cudaMemcpyAsync(host, l->d_block, bytes, cudaMemcpyDeviceToHost, l->stream));
        CUDA_TRY(cudaStreamSynchronize(l->stream));
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        *bytes_per_second = (double)bytes * reps / s;
    }
    cudaFreeHost(host);
    return 0;
fail:
    if (host) cudaFreeHost(host);
    return -1;
}
