/* SPDX-License-Identifier: Apache-2.0 */
/* file_names.c - the n of --sink files' files, and their rename (see
 * file_names.h). */
#include "file_names.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --file-add: the n after the highest of this shard's files (or
 * temporaries) in dir, 0 if none. -1 with why when dir cannot be read. */
static int first_free_n(const file_numbers *fn, const char *dir, uint64_t *next, char *why, size_t cap) {
    char prefix[40];
    int len = snprintf(prefix, sizeof prefix, "part-%llu-", (unsigned long long)fn->shard);
    *next = 0;
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(why, cap, "%.3000s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name + (e->d_name[0] == '.'); /* a killed run's temporaries too */
        char *end;
        if (strncmp(name, prefix, (size_t)len) != 0) continue;
        unsigned long long n = strtoull(name + len, &end, 10);
        if (end != name + len && *end == '.' && n < UINT64_MAX - 1 && n + 1 > *next) *next = n + 1;
    }
    closedir(d);
    return 0;
}

int file_numbers_next(file_numbers *fn, topic_id t, int64_t day, const char *dir, uint64_t *n, char *why, size_t cap) {
    for (size_t i = 0; i < fn->n_days[t]; i++)
        if (fn->days[t][i].day == day) {
            *n = fn->days[t][i].next++;
            return 0;
        }
    if (fn->n_days[t] == fn->cap_days[t]) {
        size_t more = fn->cap_days[t] ? 2 * fn->cap_days[t] : 16;
        file_day *d = realloc(fn->days[t], more * sizeof *d);
        if (!d) {
            snprintf(why, cap, "out of memory");
            return -1;
        }
        fn->days[t] = d;
        fn->cap_days[t] = more;
    }
    *n = 0;
    if (fn->add && first_free_n(fn, dir, n, why, cap) != 0) return -1;
    fn->days[t][fn->n_days[t]++] = (file_day){ day, *n + 1 };
    return 0;
}

void file_numbers_clear(file_numbers *fn) {
    for (int t = 0; t < TOPIC_COUNT; t++) {
        free(fn->days[t]);
        fn->days[t] = NULL;
        fn->n_days[t] = fn->cap_days[t] = 0;
    }
}

int file_rename_new(const char *tmp, const char *name) {
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, name, RENAME_NOREPLACE) == 0) return 0;
    return errno == EINVAL || errno == ENOSYS ? rename(tmp, name) : -1;
}
