/* SPDX-License-Identifier: Apache-2.0 */
/* gpu_bench.c - how fast the GPU stage lands orders in host memory.
 *
 * Engine-only (no Kafka, no Avro), so it runs on a bare GPU machine. Prints:
 *   - the CPU engine's rate through the generator pool (the baseline);
 *   - per batch size, the GPU stage's rate through the same pool: orders
 *     generated, copied into pinned ring memory and handed over in order;
 *   - the kernels alone (no copy), and device-to-host bandwidth, so the rate
 *     can be set against the kernel bound and the PCIe bound
 *     (bandwidth / bytes per order), naming which limit is nearest.
 * Nothing is encoded here: `shopstream run --engine gpu --sink null` prints
 * generation against encoding time (perf/gpu.sh runs both).
 *
 *   gpu_bench [--intensity I] [--hours H] [--threads T] [--batches a,b,...]
 *             [--cpu-orders N]
 * Exit 0; 77 (after the CPU figures) when no GPU is usable, with the reason. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "gpu_stage.h"
#include "pool.h"
#include "simtime.h"

#define EXIT_SKIP 77
#define MAX_BATCHES 16

typedef struct pool_result {
    uint64_t orders, items, bytes;
    double seconds;
} pool_result;

/* Runs count orders through a pool (the filler's, or the CPU's) and takes
 * every batch back in order, touching nothing: the rate batches land. */
static int run_pool(const engine *e, const gen_pool_filler *filler, size_t threads, size_t batch, uint64_t count,
                    pool_result *r, char *err, size_t errlen) {
    gen_pool *p;
    gen_pool_options o = {
        .threads = threads,
        .batch_orders = batch,
        .ring_slots = 2 * threads,
        .first = 0,
        .stride = 1,
        .count = count,
        .filler = filler,
    };
    memset(r, 0, sizeof *r);
    double t0 = wall_now_s();
    if (gen_pool_new(e, &o, &p, err, errlen) != 0) return -1;
    const order_batch *b;
    while ((b = gen_pool_next(p)) != NULL) {
        size_t off[BATCH_COLUMNS];
        r->orders += b->n_orders;
        r->items += b->n_items;
        r->bytes += order_batch_layout(b->n_orders, b->n_items, off);
        gen_pool_release(p, b);
    }
    r->seconds = wall_now_s() - t0;
    int rc = 0;
    if (gen_pool_error(p)) {
        snprintf(err, errlen, "%s", gen_pool_error(p));
        rc = -1;
    }
    gen_pool_free(p);
    return rc;
}

static int parse_batches(const char *text, size_t *out, size_t *n) {
    *n = 0;
    char *copy = strdup(text), *save = NULL;
    if (!copy) return -1;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        long v = strtol(t, NULL, 10);
        if (v < 1 || *n == MAX_BATCHES) {
            free(copy);
            return -1;
        }
        out[(*n)++] = (size_t)v;
    }
    free(copy);
    return *n ? 0 : -1;
}

int main(int argc, char **argv) {
    double intensity = 10000, hours = 24;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cores > 0 ? (size_t)cores : 1, batches[MAX_BATCHES], n_batches = 0;
    uint64_t cpu_orders = 20000000;
    parse_batches("16384,65536,262144,1048576", batches, &n_batches);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--intensity") == 0 && v)
            intensity = atof(v), i++;
        else if (strcmp(a, "--hours") == 0 && v)
            hours = atof(v), i++;
        else if (strcmp(a, "--threads") == 0 && v)
            threads = (size_t)atol(v), i++;
        else if (strcmp(a, "--cpu-orders") == 0 && v)
            cpu_orders = (uint64_t)atoll(v), i++;
        else if (strcmp(a, "--batches") == 0 && v) {
            if (parse_batches(v, batches, &n_batches) != 0) {
                fprintf(stderr, "gpu_bench: --batches %s: expected sizes like 65536,262144\n", v);
                return 2;
            }
            i++;
        } else {
            fprintf(stderr, "usage: gpu_bench [--intensity I] [--hours H] [--threads T] [--batches a,b,...] "
                            "[--cpu-orders N]\n");
            return 2;
        }
    }
    if (threads < 1 || intensity <= 0 || hours <= 0) {
        fprintf(stderr, "gpu_bench: threads, intensity and hours must be positive\n");
        return 2;
    }

    char err[512];
    engine_settings s;
    engine_settings_default(&s);
    s.start_ms = INT64_C(1764547200000); /* 2025-12-01T00:00:00Z */
    s.duration_ms = (int64_t)(hours * 3600000.0);
    s.intensity = intensity;
    engine *e;
    double t0 = wall_now_s();
    if (engine_new(&s, &e, err, sizeof err) != 0) {
        fprintf(stderr, "gpu_bench: %s\n", err);
        return 1;
    }
    uint64_t total = engine_get_plan(e)->total_orders;
    printf("gpu_bench: baseline scenario, %.0f h at intensity %g: %" PRIu64 " orders planned in %.2f s; "
           "%zu host threads; GPU stage: %s\n",
           hours, intensity, total, wall_now_s() - t0, threads, gpu_stage_build_info());

    pool_result r;
    uint64_t n_cpu = cpu_orders < total ? cpu_orders : total;
    if (run_pool(e, NULL, threads, 4096, n_cpu, &r, err, sizeof err) != 0) {
        fprintf(stderr, "gpu_bench: cpu: %s\n", err);
        engine_free(e);
        return 1;
    }
    double cpu_rate = (double)r.orders / r.seconds;
    printf("cpu  engine, %zu threads, batch 4096: %12" PRIu64 " orders %12" PRIu64 " items in %7.3f s: "
           "%13.0f orders/s\n",
           threads, r.orders, r.items, r.seconds, cpu_rate);

    char info[256];
    if (gpu_stage_probe(info, sizeof info) != 0) {
        printf("SKIP: no usable GPU: %s\n", info);
        engine_free(e);
        return EXIT_SKIP;
    }
    printf("gpu: %s\n", info);
    double best = 0, best_kernel = 0, best_copy = 0, bytes_per_order = 0;
    size_t best_batch = 0;
    for (size_t i = 0; i < n_batches; i++) {
        gpu_stage *g;
        if (gpu_stage_new(e, threads, batches[i], 0, &g, err, sizeof err) != 0) {
            printf("gpu  batch %zu: %s\n", batches[i], err);
            continue;
        }
        double kernel_s = 0, copy_bps = 0;
        int ok = run_pool(e, gpu_stage_filler(g), threads, batches[i], total, &r, err, sizeof err) == 0 &&
                 gpu_stage_time_kernels(g, 0, batches[i], 20, &kernel_s, err, sizeof err) == 0 &&
                 gpu_stage_time_copy(g, order_batch_bytes(batches[i]), 20, &copy_bps, err, sizeof err) == 0;
        gpu_stage_free(g);
        if (!ok) {
            printf("gpu  batch %zu: %s\n", batches[i], err);
            continue;
        }
        double rate = (double)r.orders / r.seconds;
        size_t kernel_orders = batches[i] < total ? batches[i] : (size_t)total;
        double kernel_rate = 20.0 * (double)kernel_orders / kernel_s;
        double bpo = (double)r.bytes / (double)r.orders;
        printf("gpu  %zu lanes, batch %8zu: %12" PRIu64 " orders %12" PRIu64 " items in %7.3f s: %13.0f orders/s "
               "(%.1fx cpu), %.2f GB/s landed, %.1f bytes/order; kernels alone %13.0f orders/s; "
               "copy %.2f GB/s\n",
               threads, batches[i], r.orders, r.items, r.seconds, rate, rate / cpu_rate,
               (double)r.bytes / r.seconds / 1e9, bpo, kernel_rate, copy_bps / 1e9);
        if (rate > best) {
            best = rate, best_batch = batches[i], best_kernel = kernel_rate, best_copy = copy_bps;
            bytes_per_order = bpo;
        }
    }
    if (best > 0) {
        double pcie = best_copy / bytes_per_order;
        const char *limit = best_kernel < pcie ? "kernel" : "PCIe copy";
        double bound = best_kernel < pcie ? best_kernel : pcie;
        printf("best: batch %zu, %.0f orders/s landed in host memory (target 100000000: %s); bounds: kernels "
               "%.0f orders/s, PCIe %.0f orders/s (%.2f GB/s / %.1f bytes per order); nearest limit: %s, "
               "reached %.0f%% of it\n",
               best_batch, best, best >= 1e8 ? "met" : "not met", best_kernel, pcie, best_copy / 1e9, bytes_per_order,
               limit, 100.0 * best / bound);
    }
    engine_free(e);
    return best > 0 ? 0 : 1;
}
