/* SPDX-License-Identifier: Apache-2.0 */
/* proto_parse.c - a .proto file's first message as a schema_desc (see
 * schema_desc.h).
 *
 * Reads the part of proto3 that a value schema of schemas/ uses: syntax,
 * package, import and option statements, top-level enums and messages, and
 * in the first message enums and fields ([optional] type name = number;).
 * Nested messages, oneofs, maps and repeated fields are refused: the
 * contract has none. Comments (// and block) are skipped. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema_desc.h"

#define ENUMS_MAX 16
#define VALUES_MAX 32
#define FAIL_AT(line, ...)                                                                                             \
    do {                                                                                                               \
        int n_ = snprintf(errstr, errlen, "%s:%d: ", path, (line));                                                    \
        if (n_ >= 0 && (size_t)n_ < errlen) snprintf(errstr + n_, errlen - (size_t)n_, __VA_ARGS__);                   \
        return -1;                                                                                                     \
    } while (0)

typedef struct lex {
    const char *p;
    int line;
    char tok[DESC_NAME_MAX]; /* longer tokens are cut */
    int kind;                /* 0: end; 'i': identifier; 'n': number; 's': string; else the punctuation */
} lex;

typedef struct penum {
    char name[DESC_NAME_MAX];
    int scoped; /* declared in the message */
    int n;
    char value[VALUES_MAX][DESC_NAME_MAX];
    int number[VALUES_MAX];
    int line;
} penum;

typedef struct parse {
    const char *path;
    lex l;
    penum enums[ENUMS_MAX];
    int n_enums;
    char type[DESC_FIELDS_MAX][DESC_NAME_MAX];
} parse;

static void next(lex *l) {
    for (;;) {
        while (isspace((unsigned char)*l->p)) l->line += *l->p++ == '\n';
        if (l->p[0] == '/' && l->p[1] == '/') {
            while (*l->p && *l->p != '\n') l->p++;
        } else if (l->p[0] == '/' && l->p[1] == '*') {
            for (l->p += 2; *l->p && !(l->p[0] == '*' && l->p[1] == '/'); l->p++) l->line += *l->p == '\n';
            if (*l->p) l->p += 2;
        } else {
            break;
        }
    }
    size_t n = 0;
    const char *s = l->p;
    if (!*s) {
        l->kind = 0;
        snprintf(l->tok, sizeof l->tok, "the end of the file");
        return;
    }
    if (isalpha((unsigned char)*s) || *s == '_' || *s == '.') {
        while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.') n++;
        l->kind = 'i';
    } else if (isdigit((unsigned char)*s) || *s == '-') {
        for (n = 1; isalnum((unsigned char)s[n]); n++) {}
        l->kind = 'n';
    } else if (*s == '"' || *s == '\'') {
        for (n = 1; s[n] && s[n] != *s && s[n] != '\n'; n++) n += s[n] == '\\' && s[n + 1] && s[n + 1] != '\n';
        n += s[n] == *s;
        l->kind = 's';
    } else {
        n = 1;
        l->kind = *s;
    }
    snprintf(l->tok, sizeof l->tok, "%.*s", (int)(n < sizeof l->tok ? n : sizeof l->tok - 1), s);
    for (char *c = l->tok; *c; c++) /* an error line quotes it: one line, no control bytes */
        if ((unsigned char)*c < 0x20 || *c == 0x7f) *c = '?';
    l->p += n;
}

static int is(const lex *l, const char *word) { return strcmp(l->tok, word) == 0; }

/* Skips a statement to its ';', or a block to its closing brace: the
 * current token is then that ';' or '}'. */
static void skip(lex *l) {
    int depth = 0;
    for (; l->kind; next(l)) {
        if (l->kind == '{')
            depth++;
        else if (l->kind == '}' && --depth <= 0)
            return;
        else if (l->kind == ';' && depth == 0)
            return;
    }
}

static int expect(parse *ps, int kind, const char *what, char *errstr, size_t errlen) {
    const char *path = ps->path;
    if (ps->l.kind != kind) FAIL_AT(ps->l.line, "expected %s, got '%s'", what, ps->l.tok);
    return 0;
}

static int parse_enum(parse *ps, int scoped, char *errstr, size_t errlen) {
    const char *path = ps->path;
    lex *l = &ps->l;
    if (ps->n_enums == ENUMS_MAX) FAIL_AT(l->line, "expected at most %d enums, got more", ENUMS_MAX);
    penum *e = &ps->enums[ps->n_enums++];
    memset(e, 0, sizeof *e);
    e->scoped = scoped;
    next(l);
    if (expect(ps, 'i', "an enum name", errstr, errlen) != 0) return -1;
    snprintf(e->name, sizeof e->name, "%s", l->tok);
    e->line = l->line;
    next(l);
    if (expect(ps, '{', "'{'", errstr, errlen) != 0) return -1;
    for (next(l); l->kind != '}'; next(l)) {
        if (!l->kind) FAIL_AT(l->line, "enum %s: expected '}', got the end of the file", e->name);
        if (l->kind == ';') continue;
        if (is(l, "option") || is(l, "reserved")) {
            skip(l);
            if (l->kind == '}') break;
            continue;
        }
        if (expect(ps, 'i', "an enum value name", errstr, errlen) != 0) return -1;
        if (e->n == VALUES_MAX) FAIL_AT(l->line, "enum %s: expected at most %d values", e->name, VALUES_MAX);
        snprintf(e->value[e->n], DESC_NAME_MAX, "%s", l->tok);
        next(l);
        if (expect(ps, '=', "'='", errstr, errlen) != 0) return -1;
        next(l);
        if (expect(ps, 'n', "an enum value number", errstr, errlen) != 0) return -1;
        e->number[e->n++] = atoi(l->tok);
        next(l);
        if (l->kind == '[')
            skip(l); /* value options, to the ';' */
        else if (expect(ps, ';', "';'", errstr, errlen) != 0)
            return -1;
    }
    return 0;
}

static int parse_field(parse *ps, schema_desc *d, char *errstr, size_t errlen) {
    const char *path = ps->path;
    lex *l = &ps->l;
    if (d->n == DESC_FIELDS_MAX) FAIL_AT(l->line, "expected at most %d fields, got more", DESC_FIELDS_MAX);
    desc_field *f = &d->f[d->n];
    memset(f, 0, sizeof *f);
    f->line = l->line;
    if (is(l, "repeated") || is(l, "required") || is(l, "map") || is(l, "oneof") || is(l, "message") || is(l, "group"))
        FAIL_AT(l->line, "message %s: expected fields, enums and options only, got '%s'", d->message, l->tok);
    if (is(l, "optional")) {
        f->nullable = 1;
        next(l);
    }
    if (expect(ps, 'i', "a field type", errstr, errlen) != 0) return -1;
    snprintf(ps->type[d->n], DESC_NAME_MAX, "%s", l->tok);
    next(l);
    if (expect(ps, 'i', "a field name", errstr, errlen) != 0) return -1;
    snprintf(f->name, sizeof f->name, "%s", l->tok);
    next(l);
    if (expect(ps, '=', "'='", errstr, errlen) != 0) return -1;
    next(l);
    if (expect(ps, 'n', "a field number", errstr, errlen) != 0) return -1;
    f->number = atoi(l->tok);
    next(l);
    if (l->kind == '[')
        skip(l);
    else if (expect(ps, ';', "';'", errstr, errlen) != 0)
        return -1;
    d->n++;
    return 0;
}

/* The symbol a value of enum e names: its name less the prefix, lower case. */
static int enum_symbols(parse *ps, const penum *e, desc_field *f, char *errstr, size_t errlen) {
    const char *path = ps->path;
    char prefix[DESC_NAME_MAX * 2];
    size_t n = 0;
    for (const char *s = e->name; *s && n + 2 < sizeof prefix; s++) {
        if (isupper((unsigned char)*s) && s != e->name) prefix[n++] = '_';
        prefix[n++] = (char)toupper((unsigned char)*s);
    }
    prefix[n++] = '_';
    prefix[n] = '\0';
    int zero = 0;
    for (int v = 0; v < e->n; v++) {
        if (strncmp(e->value[v], prefix, n) != 0)
            FAIL_AT(e->line, "field '%s': enum %s: value %s: expected %s<SYMBOL>, got another prefix", f->name, e->name,
                    e->value[v], prefix);
        const char *rest = e->value[v] + n;
        if (e->number[v] == 0) {
            if (strcmp(rest, "UNSPECIFIED") != 0)
                FAIL_AT(e->line, "field '%s': enum %s: expected %sUNSPECIFIED = 0 (no symbol), got %s = 0", f->name,
                        e->name, prefix, e->value[v]);
            zero = 1;
            continue;
        }
        if (f->n_symbols == SYMBOLS_MAX) FAIL_AT(e->line, "enum %s: expected at most %d symbols", e->name, SYMBOLS_MAX);
        char *sym = f->symbols[f->n_symbols];
        size_t k = 0;
        for (; rest[k] && k + 1 < DESC_NAME_MAX; k++) sym[k] = (char)tolower((unsigned char)rest[k]);
        sym[k] = '\0';
        f->symbol_number[f->n_symbols++] = e->number[v];
    }
    if (!zero) FAIL_AT(e->line, "enum %s: expected %sUNSPECIFIED = 0 (proto3's zero value), got none", e->name, prefix);
    return 0;
}

static int resolve(parse *ps, schema_desc *d, char *errstr, size_t errlen) {
    static const struct {
        const char *type;
        field_kind kind;
    } scalars[] = {
        { "int64", F_LONG }, { "int32", F_INT }, { "string", F_STRING }, { "double", F_DOUBLE }, { "bool", F_BOOLEAN }
    };
    const char *path = ps->path;
    for (size_t i = 0; i < d->n; i++) {
        desc_field *f = &d->f[i];
        const char *type = strrchr(ps->type[i], '.') ? strrchr(ps->type[i], '.') + 1 : ps->type[i];
        int found = 0;
        for (size_t s = 0; s < sizeof scalars / sizeof *scalars && !found; s++)
            if (strcmp(type, scalars[s].type) == 0) f->kind = scalars[s].kind, found = 1;
        const penum *e = NULL;
        for (int k = 0; k < ps->n_enums && !found; k++) /* the message's own enums first */
            if (ps->enums[k].scoped && strcmp(ps->enums[k].name, type) == 0) e = &ps->enums[k], found = 1;
        for (int k = 0; k < ps->n_enums && !found; k++)
            if (strcmp(ps->enums[k].name, type) == 0) e = &ps->enums[k], found = 1;
        if (!found)
            FAIL_AT(f->line, "field '%s': expected int64, int32, string, double, bool or an enum of the file, got %s",
                    f->name, ps->type[i]);
        if (e) {
            f->kind = F_ENUM;
            if (enum_symbols(ps, e, f, errstr, errlen) != 0) return -1;
        }
    }
    return 0;
}

int schema_desc_proto(const char *path, const char *text, schema_desc *d, char *errstr, size_t errlen) {
    static parse ps_store; /* large; a start-time check, one thread */
    parse *ps = &ps_store;
    memset(ps, 0, sizeof *ps);
    memset(d, 0, sizeof *d);
    ps->path = path;
    lex *l = &ps->l;
    l->p = text;
    l->line = 1;
    int proto3 = 0, seen = 0;
    for (next(l); l->kind; next(l)) {
        if (l->kind == ';') continue;
        if (is(l, "syntax")) {
            next(l);
            next(l);
            if (!is(l, "\"proto3\"")) FAIL_AT(l->line, "syntax: expected \"proto3\", got %s", l->tok);
            proto3 = 1;
            skip(l);
        } else if (is(l, "package") || is(l, "import") || is(l, "option")) {
            skip(l);
        } else if (is(l, "enum")) {
            if (parse_enum(ps, 0, errstr, errlen) != 0) return -1;
        } else if (is(l, "message") && seen) {
            skip(l); /* messages after the first are not the value's */
        } else if (is(l, "message")) {
            seen = 1;
            next(l);
            if (expect(ps, 'i', "a message name", errstr, errlen) != 0) return -1;
            snprintf(d->message, sizeof d->message, "%s", l->tok);
            next(l);
            if (expect(ps, '{', "'{'", errstr, errlen) != 0) return -1;
            for (next(l); l->kind != '}'; next(l)) {
                if (!l->kind) FAIL_AT(l->line, "message %s: expected '}', got the end of the file", d->message);
                if (l->kind == ';') continue;
                if (is(l, "enum")) {
                    if (parse_enum(ps, 1, errstr, errlen) != 0) return -1;
                } else if (is(l, "option") || is(l, "reserved")) {
                    skip(l);
                    if (l->kind == '}') break;
                } else if (parse_field(ps, d, errstr, errlen) != 0) {
                    return -1;
                }
            }
        } else {
            FAIL_AT(l->line, "expected syntax, package, import, option, enum or message, got '%s'", l->tok);
        }
    }
    if (!proto3) FAIL_AT(1, "expected syntax = \"proto3\", got none");
    if (!seen) FAIL_AT(l->line, "expected a message (the value's), got none");
    return resolve(ps, d, errstr, errlen);
}
