/* SPDX-License-Identifier: Apache-2.0 */
/* sink_files.c - --sink files: every topic a table of files in Hive-style
 * partitions by the message's event date (its timestamp, UTC):
 *   DIR/<table>/date=YYYY-MM-DD/part-<shard>-<n>.<jsonl|avro>
 * n counts the files of (table, date) this shard began (file_names.h: from
 * 0, or with --file-add after those the date's directory holds). Each file is
 * written as .part-<shard>-<n>.<ext>.tmp beside its name and renamed when
 * closed: past --file-roll-mb, when more than FILES_OPEN dates of its table
 * are open (the oldest date is closed), and at the end. A complete run then
 * writes DIR/<table>/_SUCCESS (shard I of N > 1: _SUCCESS-I-of-N). A
 * date's files are also closed once a message comes with a timestamp past
 * the date's end by the longest delay a message has (window.delay_ms):
 * messages come in release order, each released at most that long after
 * its timestamp, so no later message belongs to the date.
 *
 * Messages come in the stream's order from one thread, so which file a
 * message goes to, and every byte, is a function of the run. Each message
 * is counted and digested at hand-off as the null sink does (the same
 * partition, the same digests); counters.files counts completed files.
 * Memory: a writer's block, or two row groups (filewriter.h), per open
 * file, at most FILES_OPEN per table (in practice the dates within the
 * longest delay of the stream's time), and a count per (table, date) seen. A failed write removes
 * that file's temporary and is the run's fatal error; a run that ends
 * without finishing (an error) removes its open temporaries. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/units.h"
#include "file_names.h"
#include "filewriter.h"
#include "sink_impl.h"

#define FILES_OPEN 4 /* dates of one table open at once: late copies reach back a day at most */
#define DAY_MS INT64_C(86400000)

typedef struct open_file {
    file_writer *w; /* NULL: a free slot */
    int64_t day;
    char tmp[4400], name[4400];
} open_file;

typedef struct files_state {
    char dir[4096];
    file_format format;
    file_codec codec;
    uint64_t roll, shard, shards, tag;
    int64_t delay;      /* the longest a message is released after its timestamp */
    int64_t next_close; /* the earliest time an open date's files may close (INT64_MAX: none open) */
    size_t row_group;
    char *schema[TOPIC_COUNT];
    open_file open[TOPIC_COUNT][FILES_OPEN];
    file_numbers numbers; /* each (table, date)'s next n */
    char error[1024];     /* the fatal error, once */
} files_state;

static int fail(files_state *f, const char *why, char *errstr, size_t errlen) {
    if (!f->error[0]) snprintf(f->error, sizeof f->error, "--sink files: %.900s", why);
    snprintf(errstr, errlen, "%s", f->error);
    return -1;
}

static int make_dir(const char *path, char *why, size_t cap) {
    if (mkdir(path, 0755) == 0 || errno == EEXIST) return 0;
    snprintf(why, cap, "%.3000s: %s", path, strerror(errno));
    return -1;
}

static int open_file_for(sink *s, topic_id t, int64_t day, open_file *o, char *errstr, size_t errlen) {
    files_state *f = s->files;
    char date[40], dir[4200], why[3200];
    units_format_time(day * DAY_MS, date, sizeof date);
    date[10] = '\0';
    snprintf(dir, sizeof dir, "%s/%s", f->dir, topic_suffixes[t]);
    if (make_dir(dir, why, sizeof why) != 0) return fail(f, why, errstr, errlen);
    snprintf(dir, sizeof dir, "%s/%s/date=%s", f->dir, topic_suffixes[t], date);
    if (make_dir(dir, why, sizeof why) != 0) return fail(f, why, errstr, errlen);
    uint64_t n;
    if (file_numbers_next(&f->numbers, t, day, dir, &n, why, sizeof why) != 0) return fail(f, why, errstr, errlen);
    const char *ext = f->format == FILE_AVRO ? "avro" : f->format == FILE_PARQUET ? "parquet" : "jsonl";
    snprintf(o->name, sizeof o->name, "%s/part-%llu-%llu.%s", dir, (unsigned long long)f->shard, (unsigned long long)n,
             ext);
    snprintf(o->tmp, sizeof o->tmp, "%s/.part-%llu-%llu.%s.tmp", dir, (unsigned long long)f->shard,
             (unsigned long long)n, ext);
    uint64_t tag = f->tag ^ ((uint64_t)t << 56) ^ ((uint64_t)day << 20) ^ (f->shard << 40) ^ n;
    if (file_writer_new(o->tmp, f->format, f->codec, f->schema[t], tag, f->row_group, &o->w, why, sizeof why) != 0)
        return fail(f, why, errstr, errlen);
    o->day = day;
    if ((day + 1) * DAY_MS + f->delay < f->next_close) f->next_close = (day + 1) * DAY_MS + f->delay;
    return 0;
}

/* What the open writers hold now, into the peak: buffers only grow until
 * a file closes, so the peak is reached just before a close. */
static void note_held(sink *s) {
    uint64_t held = 0;
    for (int t = 0; t < TOPIC_COUNT; t++)
        for (int i = 0; i < FILES_OPEN; i++)
            if (s->files->open[t][i].w) held += file_writer_held(s->files->open[t][i].w);
    if (held > s->counters.file_held_peak) s->counters.file_held_peak = held;
}

/* Closes o under its name; on failure removes it. */
static int close_file(sink *s, open_file *o, char *errstr, size_t errlen) {
    char why[3200];
    note_held(s);
    file_writer *w = o->w;
    o->w = NULL;
    if (file_writer_close(w, why, sizeof why) != 0) {
        unlink(o->tmp);
        char msg[3300];
        snprintf(msg, sizeof msg, "%s (the unfinished file removed)", why);
        return fail(s->files, msg, errstr, errlen);
    }
    struct stat st;
    uint64_t bytes = stat(o->tmp, &st) == 0 ? (uint64_t)st.st_size : 0;
    if (file_rename_new(o->tmp, o->name) != 0) {
        snprintf(why, sizeof why, "%.2000s: %s", o->name, strerror(errno));
        unlink(o->tmp);
        return fail(s->files, why, errstr, errlen);
    }
    s->counters.files++;
    s->counters.file_bytes += bytes;
    return 0;
}

/* The open file of (t, day), opening one (closing the oldest date's when
 * FILES_OPEN are open). */
static open_file *file_for(sink *s, topic_id t, int64_t day, char *errstr, size_t errlen) {
    open_file *slots = s->files->open[t], *free_slot = NULL, *oldest = NULL;
    for (int i = 0; i < FILES_OPEN; i++) {
        if (slots[i].w && slots[i].day == day) return &slots[i];
        if (!slots[i].w && !free_slot) free_slot = &slots[i];
        if (slots[i].w && (!oldest || slots[i].day < oldest->day)) oldest = &slots[i];
    }
    if (!free_slot) {
        if (close_file(s, oldest, errstr, errlen) != 0) return NULL;
        free_slot = oldest;
    }
    return open_file_for(s, t, day, free_slot, errstr, errlen) == 0 ? free_slot : NULL;
}

static sink_err files_open(sink *s, const sink_config *cfg, char *errstr, size_t errlen) {
    files_state *f = s->files = calloc(1, sizeof *s->files);
    if (!f) goto oom;
    snprintf(f->dir, sizeof f->dir, "%s", cfg->out_dir);
    f->format = cfg->file_format;
    f->codec = cfg->file_codec;
    f->roll = cfg->file_roll_bytes;
    f->delay = cfg->window.delay_ms;
    f->next_close = INT64_MAX;
    f->row_group = cfg->file_row_group_bytes;
    f->shard = cfg->shard_index;
    f->shards = cfg->shard_count;
    f->tag = cfg->file_tag;
    f->numbers.shard = cfg->shard_index;
    f->numbers.add = cfg->file_add;
    for (int t = 0; t < TOPIC_COUNT; t++)
        if (cfg->schema_text[t] && !(f->schema[t] = strdup(cfg->schema_text[t]))) goto oom;
    return SINK_OK;
oom:
    snprintf(errstr, errlen, "out of memory");
    return SINK_ERR_FATAL;
}

/* The files of every date whose end lies more than the longest delay
 * before now: no message to come belongs to them. */
static int close_past_dates(sink *s, int64_t now, char *errstr, size_t errlen) {
    files_state *f = s->files;
    if (now < f->next_close) return 0;
    f->next_close = INT64_MAX;
    for (int t = 0; t < TOPIC_COUNT; t++)
        for (int i = 0; i < FILES_OPEN; i++) {
            open_file *o = &f->open[t][i];
            if (!o->w) continue;
            int64_t due = (o->day + 1) * DAY_MS + f->delay;
            if (due <= now && close_file(s, o, errstr, errlen) != 0) return -1;
            if (due > now && due < f->next_close) f->next_close = due;
        }
    return 0;
}

static sink_err files_produce(sink *s, topic_id t, const void *key, size_t key_len, const void *value, size_t value_len,
                              int64_t timestamp_ms, const sink_hashed *ahead, char *errstr, size_t errlen) {
    (void)ahead; /* hashed from what was delivered or written */
    files_state *f = s->files;
    if (!f->error[0] && close_past_dates(s, timestamp_ms, errstr, errlen) != 0) return SINK_ERR_FATAL;
    if (f->error[0]) {
        snprintf(errstr, errlen, "%s", f->error);
        return SINK_ERR_FATAL;
    }
    if (value_len == 0) { /* a tombstone (a closed account): no row, the table keeps its history */
        sink_count_produced(s, t);
        sink_count_delivered(s, t, sink_partition_of(s, key, key_len), key, key_len, value, value_len, timestamp_ms);
        return SINK_OK;
    }
    int64_t day = timestamp_ms / DAY_MS; /* timestamps are >= 0 (sink.c) */
    open_file *o = file_for(s, t, day, errstr, errlen);
    if (!o) return SINK_ERR_FATAL;
    char why[3200];
    if (file_writer_append(o->w, value, value_len, why, sizeof why) != 0) {
        file_writer_free(o->w);
        o->w = NULL;
        unlink(o->tmp);
        char msg[3300];
        snprintf(msg, sizeof msg, "%s (the unfinished file removed)", why);
        fail(f, msg, errstr, errlen);
        return SINK_ERR_FATAL;
    }
    sink_count_produced(s, t);
    sink_count_delivered(s, t, sink_partition_of(s, key, key_len), key, key_len, value, value_len, timestamp_ms);
    if (file_writer_size(o->w) >= f->roll && close_file(s, o, errstr, errlen) != 0) return SINK_ERR_FATAL;
    return SINK_OK;
}

static void files_poll(sink *s, int timeout_ms) { (void)s, (void)timeout_ms; }

static uint64_t files_flush(sink *s, int timeout_ms) {
    (void)s, (void)timeout_ms;
    return 0; /* every message is in a writer's hands */
}

static int files_fatal(sink *s, char *errstr, size_t errlen) {
    if (!s->files || !s->files->error[0]) return 0;
    snprintf(errstr, errlen, "%s", s->files->error);
    return 1;
}

static int files_finish(sink *s, int complete, char *errstr, size_t errlen) {
    files_state *f = s->files;
    int rc = 0;
    for (int t = 0; t < TOPIC_COUNT; t++)
        for (int i = 0; i < FILES_OPEN; i++)
            if (f->open[t][i].w && close_file(s, &f->open[t][i], errstr, errlen) != 0) rc = -1;
    if (rc != 0 || !complete) return rc;
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) { /* the files sink carries no change topics (settle/partners.c) */
        char path[4400], why[3200];
        snprintf(path, sizeof path, "%s/%s", f->dir, topic_suffixes[t]);
        if (make_dir(path, why, sizeof why) != 0) return fail(f, why, errstr, errlen);
        if (f->shards > 1)
            snprintf(path, sizeof path, "%s/%s/_SUCCESS-%llu-of-%llu", f->dir, topic_suffixes[t],
                     (unsigned long long)f->shard, (unsigned long long)f->shards);
        else
            snprintf(path, sizeof path, "%s/%s/_SUCCESS", f->dir, topic_suffixes[t]);
        FILE *ok = fopen(path, "w");
        if (!ok || fclose(ok) != 0) {
            snprintf(why, sizeof why, "%.3000s: %s", path, strerror(errno));
            return fail(f, why, errstr, errlen);
        }
    }
    return 0;
}

/* Files still open were not finished: their temporaries go. */
static void files_close(sink *s) {
    files_state *f = s->files;
    if (!f) return;
    for (int t = 0; t < TOPIC_COUNT; t++) {
        for (int i = 0; i < FILES_OPEN; i++)
            if (f->open[t][i].w) {
                file_writer_free(f->open[t][i].w);
                unlink(f->open[t][i].tmp);
            }
        free(f->schema[t]);
    }
    file_numbers_clear(&f->numbers);
    free(f);
    s->files = NULL;
}

const sink_ops sink_files_ops = { files_open,  files_produce, files_poll,  files_flush,
                                  files_fatal, files_close,   files_finish };
