/* SPDX-License-Identifier: Apache-2.0 */
/* schema_desc.c - .avsc and .schema.json files as schema_desc, and
 * descriptions held against the contract and each other (see
 * schema_desc.h; proto_parse.c reads .proto files). */
#include "schema_desc.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "base/clip.h"

const desc_field *schema_desc_field(const schema_desc *d, const char *name) {
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->f[i].name, name) == 0) return &d->f[i];
    return NULL;
}

/* A kind as the reader of any of the three files can follow it. */
static const char *kind_text(field_kind k) {
    switch (k) {
    case F_LONG: return "a 64-bit integer (long, int64)";
    case F_TIME: return "a 64-bit integer of epoch milliseconds";
    case F_INT: return "a 32-bit integer (int, int32)";
    case F_STRING: return "a string";
    case F_DOUBLE: return "a double";
    case F_BOOLEAN: return "a boolean";
    default: return "an enum";
    }
}

static desc_field *add(schema_desc *d, const char *path, const char *name, char *errstr, size_t errlen) {
    if (d->n == DESC_FIELDS_MAX) {
        snprintf(errstr, errlen, "%s: expected at most %d fields, got more", path, DESC_FIELDS_MAX);
        return NULL;
    }
    desc_field *f = &d->f[d->n++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    clip_one_line(f->name); /* a JSON name may hold a newline: it goes into errors */
    f->number = (int)d->n;
    return f;
}

static void set_symbols(desc_field *f, const json_t *symbols) {
    size_t i;
    const json_t *s;
    json_array_foreach(symbols, i, s) {
        if (f->n_symbols == SYMBOLS_MAX || !json_is_string(s)) break;
        snprintf(f->symbols[f->n_symbols], DESC_NAME_MAX, "%s", json_string_value(s));
        clip_one_line(f->symbols[f->n_symbols]); /* into errors too */
        f->symbol_number[f->n_symbols] = f->n_symbols;
        f->n_symbols++;
    }
}

/* ---- .avsc ---------------------------------------------------------------- */

static int avro_type(const char *path, const json_t *type, desc_field *f, const json_t *named, char *errstr,
                     size_t errlen) {
    if (json_is_array(type)) {
        const json_t *other = NULL, *b;
        size_t i;
        json_array_foreach(type, i, b) {
            if (json_is_string(b) && strcmp(json_string_value(b), "null") == 0)
                f->nullable = 1;
            else
                other = b;
        }
        if (!f->nullable || json_array_size(type) != 2)
            FAIL("%s: field '%s': expected a union of null and one type, got another union", path, f->name);
        type = other;
    }
    if (json_is_string(type)) {
        const char *t = json_string_value(type);
        static const struct {
            const char *name;
            field_kind kind;
        } prims[] = { { "long", F_LONG },
                      { "int", F_INT },
                      { "string", F_STRING },
                      { "double", F_DOUBLE },
                      { "boolean", F_BOOLEAN } };
        for (size_t i = 0; i < sizeof prims / sizeof *prims; i++)
            if (strcmp(t, prims[i].name) == 0) {
                f->kind = prims[i].kind;
                return 0;
            }
        const json_t *e = json_object_get(named, t);
        if (!e) FAIL("%s: field '%s': expected a primitive or a named enum, got %s", path, f->name, t);
        type = e;
    }
    const char *t = json_string_value(json_object_get(type, "type"));
    const char *logical = json_string_value(json_object_get(type, "logicalType"));
    if (t && strcmp(t, "enum") == 0) {
        f->kind = F_ENUM;
        set_symbols(f, json_object_get(type, "symbols"));
        json_object_set((json_t *)named, json_string_value(json_object_get(type, "name")), (json_t *)type);
    } else if (t && strcmp(t, "long") == 0 && logical && strcmp(logical, "timestamp-millis") == 0) {
        f->kind = F_TIME;
    } else if (t) {
        return avro_type(path, json_object_get(type, "type"), f, named, errstr, errlen);
    } else {
        FAIL("%s: field '%s': expected a type, got none", path, f->name);
    }
    return 0;
}

int schema_desc_avro(const char *path, const char *text, size_t len, schema_desc *d, char *errstr, size_t errlen) {
    memset(d, 0, sizeof *d);
    d->times_distinct = 1;
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, 0, &jerr), *named = json_object();
    int rc = -1;
    const json_t *fields = json_object_get(doc, "fields"), *fj;
    size_t i;
    if (!doc || !named || !json_is_array(fields)) {
        snprintf(errstr, errlen, "%s: expected a record schema with fields, got %s", path, doc ? "another" : jerr.text);
        goto out;
    }
    snprintf(d->message, sizeof d->message, "%s", json_string_value(json_object_get(doc, "name")));
    json_array_foreach(fields, i, fj) {
        desc_field *f = add(d, path, json_string_value(json_object_get(fj, "name")), errstr, errlen);
        if (!f || avro_type(path, json_object_get(fj, "type"), f, named, errstr, errlen) != 0) goto out;
    }
    rc = 0;
out:
    if (rc != 0) clip_one_line(errstr); /* a type's name is the file's own string */
    json_decref(named);
    json_decref(doc);
    return rc;
}

/* ---- .schema.json (draft-07) ---------------------------------------------- */

static int jschema_type(const char *path, const json_t *s, desc_field *f, char *errstr, size_t errlen) {
    const json_t *alts = json_object_get(s, "oneOf");
    if (!alts) alts = json_object_get(s, "anyOf");
    if (json_is_array(alts)) { /* {"oneOf": [{"type": "null"}, {...}]} */
        const json_t *other = NULL, *b;
        size_t i;
        json_array_foreach(alts, i, b) {
            const char *t = json_string_value(json_object_get(b, "type"));
            if (t && strcmp(t, "null") == 0)
                f->nullable = 1;
            else
                other = b;
        }
        if (!f->nullable || json_array_size(alts) != 2 || !other)
            FAIL("%s: field '%s': expected oneOf a null and one type, got another oneOf", path, f->name);
        return jschema_type(path, other, f, errstr, errlen);
    }
    const json_t *type = json_object_get(s, "type");
    const char *t = json_string_value(type);
    if (json_is_array(type)) { /* {"type": ["null", "integer"]} */
        size_t i;
        const json_t *b;
        t = NULL;
        json_array_foreach(type, i, b) {
            if (strcmp(json_string_value(b) ? json_string_value(b) : "", "null") == 0)
                f->nullable = 1;
            else
                t = json_string_value(b);
        }
        if (!f->nullable || json_array_size(type) != 2)
            FAIL("%s: field '%s': expected a type array of null and one type, got another", path, f->name);
    }
    if (!t) FAIL("%s: field '%s': expected a type, got none", path, f->name);
    const char *connect = json_string_value(json_object_get(s, "connect.type"));
    const char *name = json_string_value(json_object_get(s, "connect.name"));
    if (strcmp(t, "integer") == 0) {
        int is32 = connect && strcmp(connect, "int32") == 0;
        f->kind = is32 ? F_INT : name && strstr(name, "Timestamp") ? F_TIME : F_LONG;
    } else if (strcmp(t, "string") == 0) {
        const json_t *symbols = json_object_get(s, "enum");
        f->kind = symbols ? F_ENUM : F_STRING;
        if (symbols) set_symbols(f, symbols);
    } else if (strcmp(t, "number") == 0) {
        f->kind = F_DOUBLE;
    } else if (strcmp(t, "boolean") == 0) {
        f->kind = F_BOOLEAN;
    } else {
        FAIL("%s: field '%s': expected integer, string, number or boolean, got %s", path, f->name, t);
    }
    return 0;
}

int schema_desc_json(const char *path, const char *text, size_t len, schema_desc *d, char *errstr, size_t errlen) {
    memset(d, 0, sizeof *d);
    d->times_distinct = 1;
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        clip_one_line(jerr.text); /* jansson quotes the input near the error, newlines and all */
        FAIL("%s:%d: invalid JSON: %s", path, jerr.line, jerr.text);
    }
    int rc = -1;
    const json_t *props = json_object_get(doc, "properties"), *p;
    const char *key;
    if (!json_is_object(props) || !json_is_string(json_object_get(doc, "type")) ||
        strcmp(json_string_value(json_object_get(doc, "type")), "object") != 0) {
        snprintf(errstr, errlen, "%s: expected a schema of \"type\": \"object\" with properties, got another", path);
        goto out;
    }
    snprintf(d->message, sizeof d->message, "%s", json_string_value(json_object_get(doc, "title")));
    json_object_foreach((json_t *)props, key, p) { /* jansson keeps the file's order */
        desc_field *f = add(d, path, key, errstr, errlen);
        if (!f || jschema_type(path, p, f, errstr, errlen) != 0) goto out;
    }
    rc = 0;
out:
    if (rc != 0) clip_one_line(errstr); /* a type's name is the file's own string */
    json_decref(doc);
    return rc;
}

/* ---- comparisons ------------------------------------------------------------ */

/* Where a field of d is declared: "path:line" for a .proto, else "path". */
static const char *where(const char *path, const desc_field *f, char *buf, size_t cap) {
    if (f && f->line)
        snprintf(buf, cap, "%s:%d", path, f->line);
    else
        snprintf(buf, cap, "%s", path);
    return buf;
}

static int same_kind(field_kind a, field_kind b, int loose_time) {
    if (loose_time && (a == F_TIME || b == F_TIME)) return (a == F_TIME || a == F_LONG) && (b == F_TIME || b == F_LONG);
    return a == b;
}

int schema_desc_check(const char *path, const schema_desc *d, topic_id t, char *errstr, size_t errlen) {
    size_t n;
    const field_spec *spec = codec_fields(t, &n);
    char at[4200];
    for (size_t i = 0; i < n; i++) {
        const field_spec *s = &spec[i];
        const desc_field *f = schema_desc_field(d, s->name);
        int nullable = s->kind == F_OPT_LONG || s->kind == F_OPT_ENUM;
        field_kind base = s->kind == F_OPT_LONG ? F_LONG : s->kind == F_OPT_ENUM ? F_ENUM : s->kind;
        if (!f)
            FAIL("%s: field '%s': expected %s%s (field %zu of the wire contract), got none", path, s->name,
                 nullable ? "nullable " : "", kind_text(base), i + 1);
        where(path, f, at, sizeof at);
        if (!same_kind(f->kind, base, !d->times_distinct))
            FAIL("%s: field '%s': expected %s, got %s", at, s->name, kind_text(base), kind_text(f->kind));
        if (f->nullable != nullable)
            FAIL("%s: field '%s': expected %s, got %s", at, s->name,
                 nullable ? "nullable (proto3 optional; JSON Schema oneOf with null)" : "not nullable",
                 f->nullable ? "nullable" : "not nullable");
        if (f != &d->f[i] || f->number != (int)i + 1)
            FAIL("%s: field '%s': expected field %zu (number %zu), got %s %d", at, s->name, i + 1, i + 1,
                 f != &d->f[i] ? "position" : "number", f != &d->f[i] ? (int)(f - d->f) + 1 : f->number);
        for (int k = 0; k < s->n_symbols; k++) {
            int has = 0;
            for (int j = 0; j < f->n_symbols; j++) has |= strcmp(f->symbols[j], s->symbols[k]) == 0;
            if (!has)
                FAIL("%s: field '%s': expected the symbol '%s' in its enum, got none", at, s->name, s->symbols[k]);
        }
    }
    if (d->n > n)
        FAIL("%s: field '%s': expected only the wire contract's %zu fields, got one more",
             where(path, &d->f[n], at, sizeof at), d->f[n].name, n);
    return 0;
}

int schema_desc_same(const char *path_a, const schema_desc *a, const char *path_b, const schema_desc *b, char *errstr,
                     size_t errlen) {
    int loose = !a->times_distinct || !b->times_distinct;
    for (size_t i = 0; i < a->n || i < b->n; i++) {
        const desc_field *x = i < a->n ? &a->f[i] : NULL, *y = i < b->n ? &b->f[i] : NULL;
        if (!x || !y || strcmp(x->name, y->name) != 0)
            FAIL("field %zu: %s has '%s', %s has '%s'", i + 1, path_a, x ? x->name : "(none)", path_b,
                 y ? y->name : "(none)");
        if (!same_kind(x->kind, y->kind, loose) || x->nullable != y->nullable)
            FAIL("field '%s': %s has %s%s, %s has %s%s", x->name, path_a, x->nullable ? "nullable " : "",
                 kind_text(x->kind), path_b, y->nullable ? "nullable " : "", kind_text(y->kind));
        for (int k = 0; k < x->n_symbols || k < y->n_symbols; k++)
            if (k >= x->n_symbols || k >= y->n_symbols || strcmp(x->symbols[k], y->symbols[k]) != 0)
                FAIL("field '%s': symbol %d: %s has '%s', %s has '%s'", x->name, k + 1, path_a,
                     k < x->n_symbols ? x->symbols[k] : "(none)", path_b, k < y->n_symbols ? y->symbols[k] : "(none)");
    }
    return 0;
}
