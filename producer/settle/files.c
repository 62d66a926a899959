/* SPDX-License-Identifier: Apache-2.0 */
/* files.c - --sink files, --out, --file-format, --file-codec (see files.h). */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/topics.h"

/* Whether name is a file of shard: part-<shard>-..., or its temporary
 * .part-<shard>-....tmp. */
static int shard_file(const char *name, const char *prefix) {
    if (name[0] == '.') name++;
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* The first file of this shard under dir/<table>/date=*, into found. */
static int find_shard_file(const char *dir, unsigned long long shard, char *found, size_t cap) {
    char prefix[40];
    snprintf(prefix, sizeof prefix, "part-%llu-", shard);
    for (int t = 0; t < TOPIC_EVENT_COUNT; t++) {
        char table[CONFIG_PATH_MAX + 64];
        snprintf(table, sizeof table, "%s/%s", dir, topic_suffixes[t]);
        DIR *d = opendir(table);
        if (!d) continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, "date=", 5) != 0) continue;
            char part[sizeof table + 300];
            snprintf(part, sizeof part, "%s/%.255s", table, e->d_name);
            DIR *p = opendir(part);
            struct dirent *f;
            while (p && (f = readdir(p)) != NULL)
                if (shard_file(f->d_name, prefix)) {
                    snprintf(found, cap, "%s/%.255s/%.255s", topic_suffixes[t], e->d_name, f->d_name);
                    closedir(p);
                    closedir(d);
                    return 1;
                }
            if (p) closedir(p);
        }
        closedir(d);
    }
    return 0;
}

/* Each format's codecs: parquet zstd, snappy or none; avro deflate, snappy or
 * none; jsonl none. */
static int settle_codec(run_config *rc, char *errstr, size_t errlen) {
    static const int usual[FILE_FORMAT_COUNT] = {
        [FILE_JSONL] = CODEC_NONE, [FILE_AVRO] = CODEC_DEFLATE, [FILE_PARQUET] = CODEC_ZSTD
    };
    static const char *const takes[FILE_FORMAT_COUNT] = {
        [FILE_JSONL] = "none", [FILE_AVRO] = "deflate, snappy or none", [FILE_PARQUET] = "zstd, snappy or none"
    };
    int f = rc->file_format;
    if (rc->file_codec == CODEC_AUTO) rc->file_codec = usual[f];
    int snappy = rc->file_codec == CODEC_SNAPPY && f != FILE_JSONL;
    if (rc->file_codec != CODEC_NONE && rc->file_codec != usual[f] && !snappy)
        CONFIG_REFUSE(file_codec, "expected %s (or auto) for --file-format %s, got %s", takes[f], file_format_names[f],
                      file_codec_names[rc->file_codec]);
    return 0;
}

static int settle_dir(run_config *rc, char *errstr, size_t errlen) {
    const char *dir = rc->out_dir;
    struct stat st;
    if (!dir[0]) CONFIG_REFUSE(out_dir, "expected the directory --sink files writes to (--out DIR), got none");
    if (stat(dir, &st) != 0)
        CONFIG_REFUSE(out_dir, "expected an existing directory, got '%.900s': %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) CONFIG_REFUSE(out_dir, "expected a directory, got '%.900s': not a directory", dir);
    if (access(dir, W_OK | X_OK) != 0)
        CONFIG_REFUSE(out_dir, "expected a directory shopstream can write in, got '%.900s': %s", dir, strerror(errno));
    char found[800];
    if (!rc->file_add && find_shard_file(dir, (unsigned long long)rc->shard_index, found, sizeof found))
        CONFIG_REFUSE(
            out_dir,
            "expected a directory without files of shard %llu, got '%.300s' holding %.500s (an earlier run's: "
            "remove them, write to another directory, or add beside them with --file-add)",
            (unsigned long long)rc->shard_index, dir, found);
    return 0;
}

int settle_files(run_config *rc, char *errstr, size_t errlen) {
    if (rc->sink != SINK_FILES) return 0;                                 /* --out is --sink files' alone */
    int want = rc->file_format == FILE_JSONL ? FORMAT_JSON : FORMAT_AVRO; /* parquet: decoded from Avro */
    if (rc->format == FORMAT_AUTO) rc->format = want;
    if (rc->format != want)
        CONFIG_REFUSE(format, "--sink files --file-format %s holds %s values: expected %s (or auto), got %s",
                      file_format_names[rc->file_format], value_format_names[want], value_format_names[want],
                      value_format_names[rc->format]);
    if (settle_codec(rc, errstr, errlen) != 0) return -1;
    return settle_dir(rc, errstr, errlen);
}
