/* SPDX-License-Identifier: Apache-2.0 */
/* cfgread.c - checked reads of config, scenario and schema files (see cfgread.h). */
#include "cfgread.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clip.h"

int cfgread_file(const char *path, const char *what, size_t max, char **out, size_t *len, char *errstr, size_t errlen) {
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(errstr, errlen, "%s: cannot read the %s file: %s", CLIP(path), what, strerror(errno));
        return -1;
    }
    struct stat st;
    int rc = -1;
    char *buf = NULL;
    if (fstat(fd, &st) != 0) {
        snprintf(errstr, errlen, "%s: cannot read the %s file: %s", CLIP(path), what, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        snprintf(errstr, errlen, "%s: cannot read the %s file: Is a directory", CLIP(path), what);
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(errstr, errlen, "%s: cannot read the %s file: not a regular file", CLIP(path), what);
    } else if ((unsigned long long)st.st_size > max) {
        snprintf(errstr, errlen, "%s: cannot read the %s file: %lld bytes, more than the %zu it may have", CLIP(path),
                 what, (long long)st.st_size, max);
    } else if (!(buf = malloc(max + 2))) {
        snprintf(errstr, errlen, "%s: cannot read the %s file: out of memory", CLIP(path), what);
    } else {
        /* Up to max + 1 bytes whatever the size says (procfs files say 0). */
        size_t got = 0;
        ssize_t n = 0;
        while (got <= max && (n = read(fd, buf + got, max + 1 - got)) > 0) got += (size_t)n;
        buf[got] = '\0';
        if (n < 0) {
            snprintf(errstr, errlen, "%s: cannot read the %s file: %s", CLIP(path), what, strerror(errno));
        } else if (got > max) {
            snprintf(errstr, errlen, "%s: cannot read the %s file: more than the %zu bytes it may have", CLIP(path),
                     what, max);
        } else if (memchr(buf, '\0', got)) {
            snprintf(errstr, errlen, "%s: cannot read the %s file: it holds a NUL byte", CLIP(path), what);
        } else {
            *out = buf;
            *len = got;
            buf = NULL;
            rc = 0;
        }
    }
    free(buf);
    close(fd);
    return rc;
}

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '*'; }

/* The name of the setting a value at in[at] belongs to: the identifier
 * before the nearest '=' or ':' back from it within its statement (through
 * an array's or list's opening bracket); 0 if there is none. */
static int setting_before(const char *in, size_t at, char *name, size_t cap) {
    size_t i = at;
    while (i > 0 && !strchr("=:;{}()", in[i - 1])) i--;
    if (i == 0 || (in[i - 1] != '=' && in[i - 1] != ':')) return 0;
    i--;
    while (i > 0 && isspace((unsigned char)in[i - 1])) i--;
    size_t end = i;
    while (i > 0 && ident_char(in[i - 1])) i--;
    if (i == end) return 0;
    snprintf(name, cap, "%.*s", (int)(end - i < 60 ? end - i : 60), in + i);
    return 1;
}

/* libconfig 1.5 reads an integer without an L suffix as 32 bits and wraps
 * it silently (4294967338 becomes 42). Every integer literal outside
 * strings and comments gets an L, so all are read as 64 bits; one that
 * does not fit 64 bits is refused here, with its line, as written. */
static char *widen_integers(const char *in, size_t len, const char *path, char *errstr, size_t errlen) {
    char *out = malloc(2 * len + 1), *o = out;
    if (!out) {
        snprintf(errstr, errlen, "%s: out of memory", CLIP(path));
        return NULL;
    }
    int line = 1;
    char groups[256] = ""; /* the groups the text is in, "kafka." */
    size_t group_len[16], depth = 0;
    for (size_t i = 0; i < len;) {
        char c = in[i];
        if (c == '\n') {
            line++;
            *o++ = in[i++];
            continue;
        }
        if (c == '{' || c == '}') { /* a group opens (named by its setting, if any) or closes */
            char name[64];
            if (c == '}' && depth > 0) groups[group_len[--depth]] = '\0';
            if (c == '{' && depth < 16) {
                size_t at = strlen(groups);
                group_len[depth++] = at;
                if (setting_before(in, i, name, sizeof name)) snprintf(groups + at, sizeof groups - at, "%s.", name);
            }
            *o++ = in[i++];
            continue;
        }
        if (c == '"') { /* a string, escapes and all */
            size_t start = i;
            *o++ = in[i++];
            while (i < len && in[i] != '"') {
                if (in[i] == '\\' && i + 1 < len) {
                    /* \x00 would end the string where libconfig stores it */
                    if (in[i + 1] == 'x' && i + 3 < len && in[i + 2] == '0' && in[i + 3] == '0') {
                        snprintf(errstr, errlen, "%s:%d: expected a string without NUL bytes, got \\x00", CLIP(path),
                                 line);
                        free(out);
                        return NULL;
                    }
                    *o++ = in[i++];
                }
                if (in[i] == '\n') line++;
                *o++ = in[i++];
            }
            if (i - start > CFGREAD_MAX_STRING) {
                snprintf(errstr, errlen, "%s:%d: expected a string of at most %d bytes, got %zu", CLIP(path), line,
                         CFGREAD_MAX_STRING, i - start - 1);
                free(out);
                return NULL;
            }
            if (i < len) *o++ = in[i++];
            continue;
        }
        if (c == '@') { /* @include: files libconfig would read itself, unchecked */
            snprintf(errstr, errlen,
                     "%s:%d: @include is not supported: put the settings in this file, or pass "
                     "the other file with -c",
                     CLIP(path), line);
            free(out);
            return NULL;
        }
        if (c == '#' || (c == '/' && i + 1 < len && in[i + 1] == '/')) {
            while (i < len && in[i] != '\n') *o++ = in[i++];
            continue;
        }
        if (c == '/' && i + 1 < len && in[i + 1] == '*') {
            *o++ = in[i++];
            *o++ = in[i++];
            while (i < len && !(in[i] == '*' && i + 1 < len && in[i + 1] == '/')) {
                if (in[i] == '\n') line++;
                *o++ = in[i++];
            }
            continue;
        }
        int starts_number =
            isdigit((unsigned char)c) || ((c == '-' || c == '+') && i + 1 < len && isdigit((unsigned char)in[i + 1]));
        if (!starts_number || (i > 0 && ident_char(in[i - 1]))) {
            *o++ = in[i++];
            continue;
        }
        size_t j = i + (c == '-' || c == '+');
        int hex = in[j] == '0' && j + 1 < len && (in[j + 1] == 'x' || in[j + 1] == 'X');
        size_t k = hex ? j + 2 : j;
        while (k < len && (hex ? isxdigit((unsigned char)in[k]) : isdigit((unsigned char)in[k]))) k++;
        int real = !hex && k < len && (in[k] == '.' || in[k] == 'e' || in[k] == 'E');
        if (real) { /* copy the real number as it is */
            while (k < len && (isdigit((unsigned char)in[k]) || strchr(".eE+-", in[k]))) k++;
            memcpy(o, in + i, k - i);
            o += k - i;
            i = k;
            continue;
        }
        char literal[80];
        snprintf(literal, sizeof literal, "%.*s", (int)(k - i < 70 ? k - i : 70), in + i);
        errno = 0;
        if (hex)
            (void)strtoull(literal + (j - i), NULL, 16);
        else
            (void)strtoll(literal, NULL, 10);
        if (errno == ERANGE || k - i > 70) {
            char name[64];
            if (setting_before(in, i, name, sizeof name))
                snprintf(errstr, errlen, "%s:%d: %s%s: expected an integer that fits 64 bits, got %s", CLIP(path), line,
                         groups, name, literal);
            else
                snprintf(errstr, errlen, "%s:%d: expected an integer that fits 64 bits, got %s", CLIP(path), line,
                         literal);
            free(out);
            return NULL;
        }
        memcpy(o, in + i, k - i);
        o += k - i;
        i = k;
        if (!(i < len && (in[i] == 'L' || in[i] == 'l'))) *o++ = 'L';
    }
    *o = '\0';
    return out;
}

int cfgread_load(config_t *cfg, const char *path, const char *what, char *errstr, size_t errlen) {
    char *raw, *text;
    size_t len;
    if (cfgread_file(path, what, CFGREAD_MAX_BYTES, &raw, &len, errstr, errlen) != 0) return -1;
    text = widen_integers(raw, len, path, errstr, errlen);
    free(raw);
    if (!text) return -1;
    int ok = config_read_string(cfg, text) == CONFIG_TRUE;
    free(text);
    if (ok) return 0;
    const char *file = config_error_file(cfg);
    snprintf(errstr, errlen, "%s:%d: %s", CLIP(file ? file : path), config_error_line(cfg), config_error_text(cfg));
    return -1;
}

int cfgread_utf8(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p++;
        if (c < 0x80) continue;
        int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
        if (n < 0 || c > 0xf4 || c == 0xc0 || c == 0xc1) return 0;
        unsigned cp = c & (0x3fu >> n);
        for (int i = 0; i < n; i++, p++) {
            if ((*p & 0xc0) != 0x80) return 0;
            cp = cp << 6 | (*p & 0x3fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
    }
    return 1;
}

int cfgread_fail(char *errstr, size_t errlen, const char *file, const config_setting_t *s, const char *path,
                 const char *msg) {
    snprintf(errstr, errlen, "%s:%d: %s: %s", CLIP(file), config_setting_source_line(s), path, msg);
    return -1;
}
