/* SPDX-License-Identifier: Apache-2.0 */
/* test_gpu.c - --engine cpu|gpu|auto as a user meets it, and the GPU stage's
 * output against the CPU engine's through whole runs.
 *
 * Where no GPU is usable (CI), --engine gpu must fail before anything is
 * published, naming the cause, and auto must say it took the CPU and why.
 * The stage's own steps still run: SHOPSTREAM_GPU_EMULATE=1 with --engine
 * gpu has it fill every batch on the host (gpu_stage_emulate_fill), through
 * the same pool, filler and packed layout (in ordinary, not pinned,
 * memory), so the encoder downstream sees what a GPU would hand it. Where a GPU is usable, the real runs are compared
 * too; without one they are skipped, and say why. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_stage.h"
#include "support.h"

typedef struct run_figures {
    char digest[32], order_digest[32];
    uint64_t orders, items;
} run_figures;

/* shopstream run --sink null with args, its figures from --stats-json;
 * the engine it reports must be engine_kind. */
static void run_null(const char *tag, const char *const *args, const char *engine_kind, run_figures *f) {
    char stats[512];
    const char *argv[40];
    size_t n = 0;
    support_tmp_path(tag, stats, sizeof stats);
    static const char *const base[] = {
        "run", "--sink", "null", "--start", "2026-01-01T00:00:00Z", "-q", "--stats-json"
    };
    for (size_t i = 0; i < sizeof base / sizeof *base; i++) argv[n++] = base[i];
    argv[n++] = stats;
    for (size_t i = 0; args[i]; i++) argv[n++] = args[i];
    argv[n] = NULL;
    run_result r;
    support_run(argv, &r);
    cr_assert_eq(r.exit_code, 0, "%s: exit %d: %s", tag, r.exit_code, r.stderr_text);
    json_t *s = support_read_stats(stats);
    cr_assert_not_null(s, "%s: no stats at %s", tag, stats);
    snprintf(f->digest, sizeof f->digest, "%s", json_string_value(json_object_get(s, "content_digest")));
    snprintf(f->order_digest, sizeof f->order_digest, "%s", json_string_value(json_object_get(s, "order_digest")));
    f->orders = support_stat(s, "orders");
    f->items = support_stat(s, "order_items");
    const char *kind = json_string_value(json_object_get(json_object_get(s, "engine"), "kind"));
    cr_assert(kind && strcmp(kind, engine_kind) == 0, "%s: engine %s, expected %s", tag, kind ? kind : "(none)",
              engine_kind);
    json_decref(s);
    remove(stats);
}

/* The same run by the CPU and by the stage (--engine gpu, emulated or
 * not, as gpu_kind says): equal digests, counts, and a run that did
 * something. --gpu-batch-orders goes to the stage only (refused beside
 * --engine cpu, which would ignore it). */
static void expect_same_as_cpu(const char *const *args, const char *gpu_kind) {
    const char *cpu[24], *gpu[24];
    size_t n = 0, k = 2;
    cpu[0] = "--engine", cpu[1] = "cpu";
    gpu[0] = "--engine", gpu[1] = "gpu";
    for (; args[n]; n++) {
        gpu[n + 2] = args[n];
        if (strcmp(args[n], "--gpu-batch-orders") == 0 && args[n + 1])
            gpu[n + 3] = args[n + 1], n++;
        else
            cpu[k++] = args[n];
    }
    cpu[k] = gpu[n + 2] = NULL;
    run_figures c, g;
    run_null("cpu", cpu, "cpu", &c);
    run_null("gpu", gpu, gpu_kind, &g);
    cr_assert_gt(c.orders, 1000u, "the run should generate orders");
    cr_assert_eq(g.orders, c.orders, "orders: gpu %llu, cpu %llu", (unsigned long long)g.orders,
                 (unsigned long long)c.orders);
    cr_assert_eq(g.items, c.items, "items: gpu %llu, cpu %llu", (unsigned long long)g.items,
                 (unsigned long long)c.items);
    cr_assert_str_eq(g.digest, c.digest, "content_digest differs for %s ...", args[0]);
    cr_assert_str_eq(g.order_digest, c.order_digest, "order_digest differs for %s ...", args[0]);
}

static const char *const *const same_run_cases[] = {
    (const char *const[]){ "--duration", "6h", "--intensity", "50", "--gpu-batch-orders", "4096", NULL },
    (const char *const[]){ "-s", "viral_moment", "--duration", "9h", "--intensity", "30", "--threads", "3",
                           "--gpu-batch-orders", "1000", NULL },
    (const char *const[]){ "-s", "flash_sale,payment_outage", "--duration", "6h", "--intensity", "30", "--threads", "1",
                           "--gpu-batch-orders", "777", NULL },
    (const char *const[]){ "-s", "black_friday", "--duration", "12h", "--intensity", "20", "--shard", "1/3",
                           "--threads", "2", "--gpu-batch-orders", "5000", NULL },
    NULL,
};

Test(gpu, emulated_stage_runs_give_the_cpu_content_digest) {
    if (!gpu_stage_built())
        cr_skip_test("%s: configure with SHOPSTREAM_CUDA=ON to check the stage", gpu_stage_build_info());
    cr_assert_eq(setenv("SHOPSTREAM_GPU_EMULATE", "1", 1), 0);
    for (size_t i = 0; same_run_cases[i]; i++) expect_same_as_cpu(same_run_cases[i], "gpu-emulated");
    unsetenv("SHOPSTREAM_GPU_EMULATE");
}

Test(gpu, real_gpu_runs_give_the_cpu_content_digest) {
    char why[256];
    if (gpu_stage_probe(why, sizeof why) != 0) cr_skip_test("no usable GPU: %s", why);
    unsetenv("SHOPSTREAM_GPU_EMULATE");
    for (size_t i = 0; same_run_cases[i]; i++) expect_same_as_cpu(same_run_cases[i], "gpu");
}

Test(gpu, engine_gpu_without_a_usable_gpu_is_exit_2_naming_the_cause_before_publishing) {
    char why[256];
    if (gpu_stage_probe(why, sizeof why) == 0) cr_skip_test("a GPU is usable here (%s): nothing to refuse", why);
    unsetenv("SHOPSTREAM_GPU_EMULATE");
    const char *args[] = { "run", "--engine", "gpu", "--duration", "1h", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    char expected[300];
    snprintf(expected, sizeof expected, "--engine: gpu asked for, but GPU: %s", why);
    cr_assert(strstr(r.stderr_text, expected) != NULL, "expected '%s' in: %s", expected, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "embedded broker at") == NULL, "a broker was started: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "produced") == NULL, "something was published: %s", r.stderr_text);

    /* Asked for in a config file, the error points at its line. */
    char path[512], where[1024];
    support_tmp_path("gpu.cfg", path, sizeof path);
    support_write_file(path, "engine = {\n  kind = \"gpu\";\n};\n");
    const char *cfg[] = { "run", "-c", path, "--duration", "1h", NULL };
    support_run(cfg, &r);
    remove(path);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    snprintf(where, sizeof where, "%s:2: engine.kind: gpu asked for, but GPU: %s", path, why);
    cr_assert(strstr(r.stderr_text, where) != NULL, "expected '%s' in: %s", where, r.stderr_text);
}

Test(gpu, engine_auto_says_which_engine_it_took_and_why) {
    char why[256];
    int usable = gpu_stage_probe(why, sizeof why) == 0;
    unsetenv("SHOPSTREAM_GPU_EMULATE");
    const char *args[] = { "run", "--sink", "null", "--duration", "1h", "--threads", "2", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    char expected[400];
    if (usable)
        snprintf(expected, sizeof expected, "shopstream: engine gpu (%s), 2 lanes", why);
    else
        snprintf(expected, sizeof expected, "shopstream: engine cpu, 2 threads (--engine auto: GPU: %s)", why);
    cr_assert(strstr(r.stderr_text, expected) != NULL, "expected '%s' in: %s", expected, r.stderr_text);
    cr_assert(strstr(r.stderr_text, usable ? "engine gpu, 2 threads:" : "engine cpu, 2 threads:") != NULL,
              "the summary should name the engine and its time: %s", r.stderr_text);
}

Test(gpu, bad_engine_names_are_usage_errors_with_their_origin) {
    const char *args[] = { "run", "--engine", "tpu", NULL };
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "shopstream: --engine: expected auto, cpu or gpu, got tpu\n") != NULL, "%s",
              r.stderr_text);

    char path[512];
    support_tmp_path("engine.cfg", path, sizeof path);
    support_write_file(path, "# a config that names no engine we have\nengine = {\n  kind = \"tpu\";\n};\n");
    const char *cfg[] = { "run", "-c", path, "--sink", "null", NULL };
    support_run(cfg, &r);
    remove(path);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    char where[600];
    snprintf(where, sizeof where, "%s:3", path);
    cr_assert(strstr(r.stderr_text, where) != NULL, "expected '%s' in: %s", where, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "engine.kind") != NULL, "%s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, "engine.kind: expected auto, cpu or gpu, got tpu\n") != NULL, "%s", r.stderr_text);
}

Test(gpu, emulation_is_never_chosen_by_auto) {
    cr_assert_eq(setenv("SHOPSTREAM_GPU_EMULATE", "1", 1), 0);
    char why[256];
    int usable = gpu_stage_probe(why, sizeof why) == 0;
    const char *args[] = { "run", "--sink", "null", "--duration", "1h", NULL };
    run_result r;
    support_run(args, &r);
    unsetenv("SHOPSTREAM_GPU_EMULATE");
    cr_assert_eq(r.exit_code, 0, "exit %d: %s", r.exit_code, r.stderr_text);
    cr_assert(strstr(r.stderr_text, "emulated") == NULL, "auto took the emulation: %s", r.stderr_text);
    cr_assert(strstr(r.stderr_text, usable ? "shopstream: engine gpu (" : "shopstream: engine cpu, ") != NULL, "%s",
              r.stderr_text);
}
