/* SPDX-License-Identifier: Apache-2.0 */
/* topic_limits.c - a topic's configs against the run's time span (see topic_limits.h). */
#include "topic_limits.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/units.h"

void topic_config_init(topic_config *c) {
    *c = (topic_config){ .retention_ms = -1,
                         .deletes = 1,
                         .before_max_ms = TOPIC_NO_LIMIT,
                         .after_max_ms = TOPIC_NO_LIMIT,
                         .before_name = "message.timestamp.before.max.ms",
                         .after_name = "message.timestamp.after.max.ms" };
    snprintf(c->cleanup_policy, sizeof c->cleanup_policy, "delete");
}

static int parse_ms(const char *value, int64_t scale, int64_t *out) {
    char *end;
    long long v = strtoll(value, &end, 10);
    if (end == value || *end) return -1;
    *out = v > 0 && v > INT64_MAX / scale ? INT64_MAX : (int64_t)v * scale;
    return 0;
}

/* A retention from a setting of this rank, unless one of a higher rank
 * (log.retention.ms over .minutes over .hours) was read. */
static void set_retention(topic_config *c, const char *value, int64_t scale, int rank) {
    int64_t v;
    if (rank < c->retention_rank || parse_ms(value, scale, &v) != 0) return;
    c->retention_ms = v < 0 ? -1 : v;
    c->retention_rank = rank;
}

/* The smaller limit wins (message.timestamp.difference.max.ms beside the
 * newer pair, on brokers that report both). */
static void set_limit(int64_t *limit, const char **limit_name, const char *value, const char *name) {
    int64_t v;
    if (parse_ms(value, 1, &v) != 0 || v < 0 || v >= *limit) return;
    *limit = v;
    *limit_name = name;
}

void topic_config_set(topic_config *c, const char *name, const char *value) {
    if (!value) return;
    if (strncmp(name, "log.", 4) == 0) name += 4; /* a broker's default for its topics */
    if (strcmp(name, "retention.ms") == 0) {
        set_retention(c, value, 1, 3);
    } else if (strcmp(name, "retention.minutes") == 0) {
        set_retention(c, value, 60000, 2);
    } else if (strcmp(name, "retention.hours") == 0) {
        set_retention(c, value, 3600000, 1);
    } else if (strcmp(name, "cleanup.policy") == 0) {
        snprintf(c->cleanup_policy, sizeof c->cleanup_policy, "%s", value);
        c->deletes = strstr(value, "delete") != NULL;
        c->compacts = strstr(value, "compact") != NULL;
    } else if (strcmp(name, "message.timestamp.type") == 0) {
        c->log_append_time = strcmp(value, "LogAppendTime") == 0;
    } else if (strcmp(name, "message.timestamp.before.max.ms") == 0) {
        set_limit(&c->before_max_ms, &c->before_name, value, "message.timestamp.before.max.ms");
    } else if (strcmp(name, "message.timestamp.after.max.ms") == 0) {
        set_limit(&c->after_max_ms, &c->after_name, value, "message.timestamp.after.max.ms");
    } else if (strcmp(name, "message.timestamp.difference.max.ms") == 0) {
        set_limit(&c->before_max_ms, &c->before_name, value, "message.timestamp.difference.max.ms");
        set_limit(&c->after_max_ms, &c->after_name, value, "message.timestamp.difference.max.ms");
    }
}

/* Simulated span s (ms) on the wall clock at the run's speed (0 at max). */
static int64_t wall_of(const topic_window *w, int64_t s) { return w->speed > 0.0 ? (int64_t)(s / w->speed) : 0; }

int64_t topic_limits_retention_needed(const topic_window *w, int64_t now_ms) {
    return now_ms - w->start_ms + wall_of(w, w->last_ms + w->delay_ms - w->start_ms);
}

int64_t topic_limits_retention_to_set(const topic_window *w, int64_t now_ms, int64_t broker_default) {
    int64_t need = topic_limits_retention_needed(w, now_ms);
    if (broker_default < 0 || broker_default >= need) return 0;
    return need > INT64_MAX - broker_default ? INT64_MAX : need + broker_default;
}

static void speed_text(const topic_window *w, char *buf, size_t cap) {
    if (w->speed > 0.0)
        snprintf(buf, cap, "--speed %g", w->speed);
    else
        snprintf(buf, cap, "--speed max");
}

/* How far ahead of the broker's clock (ahead) or behind it the worst of the
 * run's records is when it arrives on schedule; *at: its timestamp. Both
 * are linear in the timestamp: the worst is the oldest or the newest. */
static int64_t worst_ahead(const topic_window *w, int64_t now_ms, int64_t *at) {
    int64_t a = w->start_ms - now_ms;                                         /* the oldest, first */
    int64_t b = w->last_ms - (now_ms + wall_of(w, w->last_ms - w->start_ms)); /* the newest, on time */
    *at = b > a ? w->last_ms : w->start_ms;
    return b > a ? b : a;
}

static int64_t worst_behind(const topic_window *w, int64_t now_ms, int64_t *at) {
    int64_t a = now_ms + wall_of(w, w->delay_ms) - w->start_ms;
    int64_t b = now_ms + wall_of(w, w->last_ms + w->delay_ms - w->start_ms) - w->last_ms;
    *at = b > a ? w->last_ms : w->start_ms;
    return b > a ? b : a;
}

static int timestamps(const char *topic, const topic_config *c, const topic_window *w, int64_t now_ms, char *line,
                      size_t cap) {
    char when[40], speed[40];
    int64_t at;
    speed_text(w, speed, sizeof speed);
    int64_t ahead = worst_ahead(w, now_ms, &at);
    if (ahead > c->after_max_ms) {
        units_format_time(at, when, sizeof when);
        snprintf(line, cap,
                 "topic %s: %s: expected at least %" PRId64 " ms, as its record of %s reaches the broker that "
                 "long before its time (at %s), got %" PRId64
                 " (the broker refuses records further ahead of its clock); start the run earlier or pace it, "
                 "or raise the topic's %s",
                 topic, c->after_name, ahead, when, speed, c->after_max_ms, c->after_name);
        return TOPIC_REFUSED;
    }
    int64_t behind = worst_behind(w, now_ms, &at);
    if (behind > c->before_max_ms) {
        units_format_time(at, when, sizeof when);
        snprintf(line, cap,
                 "topic %s: %s: expected at least %" PRId64 " ms, as its record of %s reaches the broker that "
                 "long after its time (at %s), got %" PRId64
                 " (the broker refuses records further behind its clock); start the run later, or raise the "
                 "topic's %s",
                 topic, c->before_name, behind, when, speed, c->before_max_ms, c->before_name);
        return TOPIC_REFUSED;
    }
    return TOPIC_FITS;
}

/* A problem that loses data: the error with its remedy, or with allow_loss
 * the warning that the run goes ahead. */
static int loses(const char *problem, const char *remedy, int allow_loss, char *line, size_t cap) {
    if (allow_loss) {
        snprintf(line, cap, "warning: %s; going ahead (--allow-data-loss): the broker will delete records of this run",
                 problem);
        return TOPIC_LOSES_DATA;
    }
    snprintf(line, cap, "%s; %s", problem, remedy);
    return TOPIC_REFUSED;
}

int topic_limits_check(const char *topic, const topic_config *c, const topic_use *use, const topic_window *w,
                       int64_t now_ms, int allow_loss, char *line, size_t cap) {
    char problem[700], when[40];
    line[0] = '\0';
    if (!c->known) return TOPIC_FITS;
    if (!c->log_append_time) {
        /* Records all at the start are handed over first, at once. */
        topic_window own = use->at_start ? (topic_window){ w->start_ms, w->start_ms, 0, 0.0 } : *w;
        if (timestamps(topic, c, &own, now_ms, line, cap) != TOPIC_FITS) return TOPIC_REFUSED;
        int64_t need = topic_limits_retention_needed(w, now_ms);
        if (c->deletes && c->retention_ms >= 0 && c->retention_ms < need) {
            units_format_time(w->start_ms, when, sizeof when);
            snprintf(problem, sizeof problem,
                     "topic %s: retention.ms: expected at least %" PRId64
                     " ms to keep the run's oldest record (%s) until the run ends, got %" PRId64
                     " (the broker deletes older segments)",
                     topic, need, when, c->retention_ms);
            return loses(problem, "delete the topic, raise its retention.ms, or pass --allow-data-loss", allow_loss,
                         line, cap);
        }
    }
    if (c->compacts && use->keys_shared) {
        snprintf(problem, sizeof problem,
                 "topic %s: cleanup.policy: expected delete, as %s, got %s (compaction keeps only the latest "
                 "record of each key)",
                 topic, use->keys_shared, c->cleanup_policy);
        return loses(problem, "delete the topic, set its cleanup.policy to delete, or pass --allow-data-loss",
                     allow_loss, line, cap);
    }
    return TOPIC_FITS;
}
