/* SPDX-License-Identifier: Apache-2.0 */
/* schema_check.c - what avro-c accepts in a .avsc but no reader decodes
 * (see schema_check.h).
 *
 * Walks the schema's JSON (jansson) as the Avro specification reads it:
 * names and namespaces, duplicate field names and symbols, unions (no
 * nested unions, no two branches of one unnamed type), and every field's
 * default against its type (a union's against its first branch). */
#include "schema_check.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define FAIL_SC(...)                                                                                                   \
    do {                                                                                                               \
        snprintf(errstr, errlen, __VA_ARGS__);                                                                         \
        return -1;                                                                                                     \
    } while (0)

static int valid_name(const char *s) {
    if (!s || !(isalpha((unsigned char)*s) || *s == '_')) return 0;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_')) return 0;
    return 1;
}

static int valid_namespace(const char *s) {
    if (!s || !*s) return 1; /* the null namespace */
    char part[256];
    while (*s) {
        size_t n = strcspn(s, ".");
        if (n == 0 || n >= sizeof part) return 0;
        memcpy(part, s, n);
        part[n] = '\0';
        if (!valid_name(part)) return 0;
        s += n;
        if (*s == '.' && !*++s) return 0;
    }
    return 1;
}

static const char *type_name(const json_t *t) {
    if (json_is_string(t)) return json_string_value(t);
    if (json_is_object(t)) return json_string_value(json_object_get(t, "type"));
    if (json_is_array(t)) return "union";
    return NULL;
}

/* Does value v fit type t (the default rules of the specification)? */
static int default_fits(const json_t *t, const json_t *v) {
    if (json_is_array(t)) return json_array_size(t) > 0 && default_fits(json_array_get(t, 0), v);
    const char *name = type_name(t);
    if (!name) return 0;
    if (strcmp(name, "null") == 0) return json_is_null(v);
    if (strcmp(name, "boolean") == 0) return json_is_boolean(v);
    if (strcmp(name, "int") == 0)
        return json_is_integer(v) && json_integer_value(v) >= INT32_MIN && json_integer_value(v) <= INT32_MAX;
    if (strcmp(name, "long") == 0) return json_is_integer(v);
    if (strcmp(name, "float") == 0 || strcmp(name, "double") == 0) return json_is_number(v);
    if (strcmp(name, "string") == 0 || strcmp(name, "bytes") == 0 || strcmp(name, "fixed") == 0)
        return json_is_string(v);
    if (strcmp(name, "enum") == 0) {
        const json_t *symbols = json_object_get(t, "symbols");
        size_t i;
        const json_t *s;
        json_array_foreach(symbols, i, s) if (json_is_string(v) && json_equal(s, v)) return 1;
        return 0;
    }
    if (strcmp(name, "array") == 0) return json_is_array(v);
    if (strcmp(name, "map") == 0 || strcmp(name, "record") == 0) return json_is_object(v);
    return 1; /* a reference to a named type: not checked further */
}

static int check_type(const char *path, const char *where, const json_t *t, char *errstr, size_t errlen);

static int check_named(const char *path, const char *where, const json_t *t, char *errstr, size_t errlen) {
    const char *name = json_string_value(json_object_get(t, "name"));
    if (!valid_name(name))
        FAIL_SC("%s: %s: expected a name of letters, digits and '_' not starting with a digit, got '%.80s'", path,
                where, name ? name : "(none)");
    const json_t *ns = json_object_get(t, "namespace");
    if (ns && (!json_is_string(ns) || !valid_namespace(json_string_value(ns))))
        FAIL_SC("%s: %s: expected a namespace of dot-separated names, got '%.80s'", path, where,
                json_is_string(ns) ? json_string_value(ns) : "(not a string)");
    return 0;
}

static int check_record(const char *path, const json_t *t, char *errstr, size_t errlen) {
    char record[120];
    const char *rname = json_string_value(json_object_get(t, "name"));
    snprintf(record, sizeof record, "record '%.80s'", rname ? rname : "(none)");
    if (check_named(path, record, t, errstr, errlen) != 0) return -1;
    const json_t *fields = json_object_get(t, "fields");
    if (!json_is_array(fields))
        FAIL_SC("%s: record %s: expected an array of fields", path, json_string_value(json_object_get(t, "name")));
    size_t i, j;
    const json_t *f, *g;
    json_array_foreach(fields, i, f) {
        const char *name = json_string_value(json_object_get(f, "name"));
        char where[160];
        snprintf(where, sizeof where, "field '%.80s'", name ? name : "(none)");
        if (!valid_name(name)) FAIL_SC("%s: %s: expected a field name of letters, digits and '_'", path, where);
        json_array_foreach(fields, j, g) {
            if (j >= i) break;
            if (strcmp(json_string_value(json_object_get(g, "name")), name) == 0)
                FAIL_SC("%s: %s: a second field of that name (fields %zu and %zu)", path, where, j + 1, i + 1);
        }
        const json_t *type = json_object_get(f, "type");
        if (!type) FAIL_SC("%s: %s: expected a type", path, where);
        if (check_type(path, where, type, errstr, errlen) != 0) return -1;
        const json_t *def = json_object_get(f, "default");
        if (def && !default_fits(type, def))
            FAIL_SC("%s: %s: its default does not fit its type (for a union: the first branch's)", path, where);
    }
    return 0;
}

static int check_type(const char *path, const char *where, const json_t *t, char *errstr, size_t errlen) {
    if (json_is_array(t)) {
        size_t i, j;
        const json_t *b, *c;
        json_array_foreach(t, i, b) {
            if (json_is_array(b)) FAIL_SC("%s: %s: a union inside a union", path, where);
            const char *bn = type_name(b);
            int named = bn && (strcmp(bn, "record") == 0 || strcmp(bn, "enum") == 0 || strcmp(bn, "fixed") == 0);
            json_array_foreach(t, j, c) {
                if (j >= i) break;
                const char *cn = type_name(c);
                if (!named && bn && cn && strcmp(bn, cn) == 0)
                    FAIL_SC("%s: %s: two union branches of type %s", path, where, bn);
            }
            if (check_type(path, where, b, errstr, errlen) != 0) return -1;
        }
        return 0;
    }
    if (!json_is_object(t)) return 0;
    const char *name = type_name(t);
    if (!name) FAIL_SC("%s: %s: expected a type", path, where);
    if (strcmp(name, "record") == 0 || strcmp(name, "error") == 0) return check_record(path, t, errstr, errlen);
    if (strcmp(name, "enum") == 0) {
        if (check_named(path, where, t, errstr, errlen) != 0) return -1;
        const json_t *symbols = json_object_get(t, "symbols");
        size_t i, j;
        const json_t *s, *r;
        if (!json_is_array(symbols) || json_array_size(symbols) == 0)
            FAIL_SC("%s: %s: an enum needs symbols", path, where);
        json_array_foreach(symbols, i, s) {
            if (!valid_name(json_string_value(s)))
                FAIL_SC("%s: %s: enum symbol '%.80s' is not a name", path, where,
                        json_is_string(s) ? json_string_value(s) : "?");
            json_array_foreach(symbols, j, r) {
                if (j >= i) break;
                if (json_equal(r, s)) FAIL_SC("%s: %s: enum symbol '%s' twice", path, where, json_string_value(s));
            }
        }
        return 0;
    }
    if (strcmp(name, "array") == 0) return check_type(path, where, json_object_get(t, "items"), errstr, errlen);
    if (strcmp(name, "map") == 0) return check_type(path, where, json_object_get(t, "values"), errstr, errlen);
    if (strcmp(name, "fixed") == 0) return check_named(path, where, t, errstr, errlen);
    return 0;
}

int schema_check_json(const char *path, const json_t *schema, char *errstr, size_t errlen) {
    if (!json_is_object(schema)) FAIL_SC("%s: expected a record schema (a JSON object)", path);
    return check_type(path, "the schema", schema, errstr, errlen);
}

const json_t *schema_check_field(const json_t *schema, const char *name) {
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(schema, "fields"), i,
                       f) if (json_is_string(json_object_get(f, "name")) &&
                              strcmp(json_string_value(json_object_get(f, "name")), name) == 0) return f;
    return NULL;
}

int schema_check_millis(const char *path, const json_t *field, char *errstr, size_t errlen) {
    const json_t *t = json_object_get(field, "type");
    const char *logical = json_is_object(t) ? json_string_value(json_object_get(t, "logicalType")) : NULL;
    if (!logical || strcmp(logical, "timestamp-millis") != 0)
        FAIL_SC("%s: field '%s': expected a long with logicalType timestamp-millis (event times are epoch "
                "milliseconds), got %s",
                path, json_string_value(json_object_get(field, "name")), logical ? logical : "no logical type");
    return 0;
}
