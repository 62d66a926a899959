/* SPDX-License-Identifier: Apache-2.0 */
/* report.c - progress, summary and --stats-json (see report.h). */
#include "report.h"

#include <errno.h>
#include <string.h>

#include "lateness.h"
#include "base/output.h"
#include "base/topics.h"
#include "encode/jsonenc.h"

static double per_s(uint64_t n, double s) { return s > 0.0 ? (double)n / s : 0.0; }

/* Messages of the facts topics handed over. */
static uint64_t fact_messages(const run_totals *t) { return t->orders + t->order_items; }

/* The facts' rate the schedule asks for and the one achieved, paced runs. */
void report_fact_rates(const run_totals *t, double *scheduled, double *achieved) {
    double sim_s = (double)t->sim_ms / 1000.0;
    *scheduled = t->speed > 0.0 && sim_s > 0.0 ? (double)fact_messages(t) / (sim_s / t->speed) : 0.0;
    *achieved = per_s(fact_messages(t), t->facts_wall_s);
}

void report_progress(FILE *out, int in_place, const run_totals *t, const char *sim_now) {
    const sink_counters *c = t->sink;
    char paced[160] = "";
    char early[40] = "";
    if (t->late && t->late->early) snprintf(early, sizeof early, "  early %llu", (unsigned long long)t->late->early);
    if (t->speed > 0.0 && t->late && (t->late->n || t->late->early))
        snprintf(paced, sizeof paced, "  late p50 %.2f p99 %.2f max %.1f ms%s%s", lateness_quantile(t->late, 0.5),
                 lateness_quantile(t->late, 0.99), t->late->max_ms, early, t->behind_s > 1.0 ? "  BEHIND" : "");
    if (t->behind_s > 1.0) {
        size_t n = strlen(paced);
        snprintf(paced + n, sizeof paced - n, " by %.1f s", t->behind_s);
    }
    fprintf(out, "%sshopstream: %s  orders %llu/%llu  messages %llu delivered %llu failed %llu  %.0f msg/s%s%s",
            in_place ? "\r" : "", sim_now, (unsigned long long)t->orders, (unsigned long long)t->planned_orders,
            (unsigned long long)c->produced, (unsigned long long)c->delivered, (unsigned long long)c->failed,
            per_s(c->delivered, t->wall_s), paced, in_place ? "\033[K" : "\n");
    fflush(out);
}

void report_progress_end(FILE *out, int in_place) {
    if (in_place) {
        fputs("\n", out);
        fflush(out);
    }
}

void report_summary(FILE *out, const run_totals *t) {
    const sink_counters *c = t->sink;
    char span[48];
    if (t->sim_ms < 3600000)
        snprintf(span, sizeof span, "%.1f simulated minutes", (double)t->sim_ms / 6e4);
    else
        snprintf(span, sizeof span, "%.1f simulated hours", (double)t->sim_ms / 3.6e6);
    fprintf(out, "shopstream: %s: scenario %s, seed %llu, %s in %.2f s wall, sink %s%s%s\n",
            t->interrupted ? "interrupted"
            : t->complete  ? "done"
                           : "stopped",
            t->scenario, (unsigned long long)t->seed, span, t->wall_s, t->sink_name,
            t->brokers && *t->brokers ? " at " : "", t->brokers ? t->brokers : "");
    for (int i = 0; i < t->n_topics; i++) {
        const sink_topic_counters *tc = &c->topic[i];
        fprintf(out, "  %-*s produced %10llu  delivered %10llu  failed %llu\n",
                t->n_topics > TOPIC_EVENT_COUNT ? 28 : 24, t->topic_names[i], (unsigned long long)tc->produced,
                (unsigned long long)tc->delivered, (unsigned long long)tc->failed);
    }
    fprintf(out, "  orders %llu (%.0f/s), order items %llu, messages %llu (%.0f/s), %.1f MB\n",
            (unsigned long long)t->orders, per_s(t->orders, t->wall_s), (unsigned long long)t->order_items,
            (unsigned long long)c->produced, per_s(c->produced, t->wall_s), (double)c->bytes / 1e6);
    fprintf(out, "  delivered %llu, failed %llu, undelivered %llu, content_digest %016llx, order_digest %016llx\n",
            (unsigned long long)c->delivered, (unsigned long long)c->failed,
            (unsigned long long)(c->produced - c->delivered - c->failed), (unsigned long long)c->digest,
            (unsigned long long)c->order_digest);
    if (t->n_topics > TOPIC_EVENT_COUNT) /* encode/changes.h: before is each row's previous version, made again */
        fprintf(out, "  change streams: each before made from its row's own history: 0 bytes of per-key state held\n");
    if (c->files) /* --sink files: only files completed under their names */
        fprintf(out, "  files: %llu completed, %.1f MB; the writers held at most %.1f MB at once\n",
                (unsigned long long)c->files, (double)c->file_bytes / 1e6, (double)c->file_held_peak / 1e6);
    const delivery_totals *d = t->delivery;
    if (d) {
        uint64_t late = 0, dups = 0;
        double p99 = 0.0, max = 0.0;
        for (int i = 0; i < TOPIC_COUNT; i++) {
            late += d->late[i];
            dups += d->duplicates[i];
            if (d->disorder[i].n && lateness_quantile(&d->disorder[i], 0.99) > p99)
                p99 = lateness_quantile(&d->disorder[i], 0.99);
            if (d->disorder[i].max_ms > max) max = d->disorder[i].max_ms;
        }
        fprintf(out, "  lives: %llu payment and shipment events; at most %zu messages (%.1f MB, in %.1f MB allocated",
                (unsigned long long)d->life_events, d->pending_peak, (double)d->pending_peak_bytes / 1e6,
                (double)d->pending_peak_allocated / 1e6);
        if (d->pending_peak_spilled) fprintf(out, ", %.1f MB spilled at most", (double)d->pending_peak_spilled / 1e6);
        fprintf(out, ") waited for their time\n");
        if (late || dups)
            fprintf(out, "  delivery: %llu late (p99 %.1f s, max %.1f s behind their event time), %llu duplicates\n",
                    (unsigned long long)late, p99 / 1000.0, max / 1000.0, (unsigned long long)dups);
    }
    if (t->speed > 0.0 && t->late && (t->late->n || t->late->early)) {
        double scheduled, achieved;
        report_fact_rates(t, &scheduled, &achieved);
        fprintf(out,
                "  paced at %gx: orders and items %.0f msg/s against a schedule of %.0f (%.2f%%); lateness "
                "p50 %.3f ms, p99 %.3f ms, max %.3f ms; %llu handed over early",
                t->speed, achieved, scheduled, scheduled > 0 ? 100.0 * achieved / scheduled : 0.0,
                lateness_quantile(t->late, 0.5), lateness_quantile(t->late, 0.99), t->late->max_ms,
                (unsigned long long)t->late->early);
        if (t->late->early) fprintf(out, " (up to %.3f ms before their time)", t->late->max_early_ms);
        fputc('\n', out);
    }
    if (t->engine && t->generate_s + t->encode_s > 0.0)
        fprintf(out,
                "  engine %s, %zu threads: %.3f s generating, %.3f s encoding (generation %.1f%% of "
                "their time)\n",
                t->engine, t->threads, t->generate_s, t->encode_s,
                100.0 * t->generate_s / (t->generate_s + t->encode_s));
    if (c->first_error[0]) fprintf(out, "  first delivery error: %s\n", c->first_error);
    fflush(out);
}

/* A JSON string, escaped as JSON wants (quotes, backslashes, controls). */
static void json_string(FILE *f, const char *s) {
    char buf[2048];
    int n = jsonenc_string(buf, sizeof buf, 0, s);
    if (n < 0) n = jsonenc_string(buf, sizeof buf, 0, "(too long)");
    fwrite(buf, 1, (size_t)n, f);
}

int report_stats_json(const char *path, const run_totals *t, char *errstr, size_t errlen) {
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(errstr, errlen, "--stats-json %s: %s", path, strerror(errno));
        return -1;
    }
    const sink_counters *c = t->sink;
    fprintf(f, "{\n  \"scenario\": ");
    json_string(f, t->scenario);
    fprintf(f, ",\n  \"seed\": %llu,\n  \"sink\": ", (unsigned long long)t->seed);
    json_string(f, t->sink_name);
    fprintf(f, ",\n");
    fprintf(f, "  \"complete\": %s,\n  \"interrupted\": %s,\n", t->complete ? "true" : "false",
            t->interrupted ? "true" : "false");
    fprintf(f, "  \"shard\": {\"index\": %llu, \"count\": %llu},\n", (unsigned long long)t->shard_index,
            (unsigned long long)t->shard_count);
    fprintf(f, "  \"orders_per_hour\": [");
    for (size_t h = 0; h < t->n_hours; h++)
        fprintf(f, "%s%llu", h ? ", " : "", (unsigned long long)t->orders_per_hour[h]);
    fprintf(f, "],\n");
    fprintf(f, "  \"orders\": %llu,\n  \"order_items\": %llu,\n", (unsigned long long)t->orders,
            (unsigned long long)t->order_items);
    fprintf(f, "  \"messages\": %llu,\n  \"delivered\": %llu,\n  \"failed\": %llu,\n  \"bytes\": %llu,\n",
            (unsigned long long)c->produced, (unsigned long long)c->delivered, (unsigned long long)c->failed,
            (unsigned long long)c->bytes);
    fprintf(f, "  \"simulated_hours\": %.6f,\n  \"wall_s\": %.6f,\n", (double)t->sim_ms / 3.6e6, t->wall_s);
    fprintf(f, "  \"orders_per_s\": %.3f,\n  \"messages_per_s\": %.3f,\n", per_s(t->orders, t->wall_s),
            per_s(c->produced, t->wall_s));
    fprintf(f, "  \"content_digest\": \"%016llx\",\n", (unsigned long long)c->digest);
    fprintf(f, "  \"order_digest\": \"%016llx\",\n", (unsigned long long)c->order_digest);
    fprintf(f, "  \"files\": %llu,\n  \"file_bytes\": %llu,\n  \"file_writers_peak_bytes\": %llu,\n",
            (unsigned long long)c->files, (unsigned long long)c->file_bytes, (unsigned long long)c->file_held_peak);
    fprintf(f, "  \"engine\": {\"kind\": ");
    json_string(f, t->engine ? t->engine : "cpu");
    fprintf(f, ", \"threads\": %zu, \"generate_s\": %.6f, \"encode_s\": %.6f},\n", t->threads, t->generate_s,
            t->encode_s);
    if (t->speed > 0.0 && t->late) {
        double scheduled, achieved;
        report_fact_rates(t, &scheduled, &achieved);
        fprintf(f, "  \"speed\": %g,\n", t->speed);
        fprintf(f, "  \"lateness_ms\": {\"p50\": %.4f, \"p99\": %.4f, \"max\": %.4f},\n",
                lateness_quantile(t->late, 0.5), lateness_quantile(t->late, 0.99), t->late->max_ms);
        fprintf(f, "  \"early_handoffs\": %llu,\n  \"early_by_max_ms\": %.4f,\n", (unsigned long long)t->late->early,
                t->late->max_early_ms);
        fprintf(f, "  \"scheduled_fact_messages_per_s\": %.3f,\n  \"achieved_fact_messages_per_s\": %.3f,\n", scheduled,
                achieved);
    }
    const delivery_totals *d = t->delivery;
    if (d)
        fprintf(f,
                "  \"life_events\": %llu,\n  \"pending_peak\": %zu,\n  \"pending_peak_bytes\": %zu,\n"
                "  \"pending_peak_allocated_bytes\": %zu,\n  \"pending_peak_spilled_bytes\": %zu,\n",
                (unsigned long long)d->life_events, d->pending_peak, d->pending_peak_bytes, d->pending_peak_allocated,
                d->pending_peak_spilled);
    if (t->n_topics > TOPIC_EVENT_COUNT) fprintf(f, "  \"changelog_state_bytes\": 0,\n");
    fprintf(f, "  \"topics\": {");
    for (int i = 0; i < t->n_topics; i++) {
        const sink_topic_counters *tc = &c->topic[i];
        fprintf(f, "%s\n    ", i ? "," : "");
        json_string(f, t->topic_names[i]);
        fprintf(f,
                ": {\"produced\": %llu, \"delivered\": %llu, \"failed\": %llu, \"bytes\": %llu, "
                "\"content_digest\": \"%016llx\"",
                (unsigned long long)tc->produced, (unsigned long long)tc->delivered, (unsigned long long)tc->failed,
                (unsigned long long)tc->bytes, (unsigned long long)tc->digest);
        if (d) {
            const lateness *l = &d->disorder[i];
            fprintf(f,
                    ", \"late\": %llu, \"duplicates\": %llu, \"late_by_ms\": {\"p50\": %.3f, \"p99\": %.3f, "
                    "\"max\": %.3f}",
                    (unsigned long long)d->late[i], (unsigned long long)d->duplicates[i], lateness_quantile(l, 0.5),
                    lateness_quantile(l, 0.99), l->max_ms);
        }
        fprintf(f, "}");
    }
    fprintf(f, "\n  }\n}\n");
    char name[1100];
    snprintf(name, sizeof name, "--stats-json %.1000s", path);
    return output_close(f, name, errstr, errlen);
}

void report_line(FILE *out, const char *message) {
    fputs("shopstream: ", out);
    for (const unsigned char *p = (const unsigned char *)message; *p; p++) {
        if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('\n', out);
}
