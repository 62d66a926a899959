/* SPDX-License-Identifier: Apache-2.0 */
/* options.h - every setting shopstream takes, declared once.
 *
 * One row of the table in options.c says everything about a setting: its
 * path in a config file, its command-line flag, its type, default, range,
 * help text and the run_config field it lands in. From the table come the
 * config-file walk (config_file.c), getopt's long options (cli.c), --help
 * and the option reference docs/options.md (optdoc.c), the defaults
 * (config_defaults) and the origin of every value for error messages
 * ("file:line: path: ..." or "--flag: ...").
 *
 * Adding an option is one row here plus one field in run_config, then
 * scripts/gen-options-doc.sh to regenerate docs/options.md.
 *
 * Invariants:
 *   - a row has a path, a flag, or both; paths and flags are unique;
 *   - the CLI and the file parse a value with the same code and accept the
 *     same range (options_set_text / options_set_number);
 *   - every error names where the value came from, as the user wrote it. */
#ifndef SHOPSTREAM_OPTIONS_H
#define SHOPSTREAM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

typedef enum option_type {
    OPT_BOOL,     /* int: true/false in a file; a flag without a value on the CLI */
    OPT_INT,      /* int */
    OPT_UINT32,   /* uint32_t */
    OPT_UINT64,   /* uint64_t, the whole range when min == max == 0 */
    OPT_INT64,    /* int64_t */
    OPT_SIZE,     /* size_t */
    OPT_DOUBLE,   /* double */
    OPT_STRING,   /* char[size] */
    OPT_DURATION, /* int64_t ms: "90m", "6h", "2d" */
    OPT_START,    /* start_mode and engine.start_ms: auto, now, ISO-8601 */
    OPT_SPEED,    /* double: max (0), realtime (1), N */
    OPT_ENUM,     /* int: one of names[0..n_names) */
    OPT_ARRAY,    /* double[n_names]: [ x, y, ... ] */
    OPT_MIX,      /* double[n_names] by name: { name = share; ... } */
    OPT_PROPERTY, /* librdkafka "name=value", repeatable (-X; kafka.properties) */
    OPT_SHARD,    /* "I/N" or "auto" */
    OPT_PATH,     /* char[size], a path: the CLI's -c */
} option_type;

/* What a row is for beyond setting a field. */
enum option_flags {
    OPTF_CLI_ONLY_ACTION = 1u << 0, /* -c, --help, --help-markdown, --version: cli.c acts on it */
};

typedef struct option_spec {
    const char *path; /* in a config file; NULL: command line only */
    const char *flag; /* long option without "--"; NULL: file only */
    char short_flag;  /* 0: none */
    option_type type;
    size_t offset, size;      /* the field in run_config */
    const char *const *names; /* OPT_ENUM, OPT_MIX: the names; OPT_ARRAY: NULL */
    int n_names;              /* OPT_ENUM, OPT_MIX, OPT_ARRAY: how many */
    double min, max;          /* numbers: the accepted range */
    const char *def;          /* the default, as text; NULL: engine_settings_default()'s */
    const char *metavar;      /* the CLI value's name in --help */
    const char *help;         /* one line; --help, docs/options.md and config/shopstream.cfg */
    unsigned flags;
} option_spec;

extern const option_spec options_table[];
extern const size_t options_count;

/* The row with this config path or long flag (without "--"), or NULL. */
const option_spec *options_by_path(const char *path);
const option_spec *options_by_flag(const char *flag);
const option_spec *options_by_short(char c);
/* The row whose field starts at this run_config offset, or NULL. */
const option_spec *options_by_offset(size_t offset);
size_t options_index(const option_spec *o);

/* How the row is named in errors when its value came from origin: the
 * file and line, or the flag. */
void options_origin_text(const run_config *rc, const option_spec *o, char *buf, size_t cap);
void options_note_origin(run_config *rc, const option_spec *o, const char *file, int line);

/* Sets o's field from text, as typed on the command line or a string in a
 * file. On error writes "expected ..., got ..." (no origin) to errstr. */
int options_set_text(run_config *rc, const option_spec *o, const char *text, char *errstr, size_t errlen);

/* Sets a numeric field from a file's integer or real (is_integer says which
 * libconfig saw), with the same range check as the CLI. */
int options_set_number(run_config *rc, const option_spec *o, double real, long long integer, int is_integer,
                       char *errstr, size_t errlen);

/* "expected ...": what o accepts, in words, for errors and the option
 * reference (optdoc.h). */
void options_expectation(const option_spec *o, char *buf, size_t cap);

/* The current value of o in rc, as text a user would type (for --help's
 * defaults and the shipped config's check). */
void options_format_value(const run_config *rc, const option_spec *o, char *buf, size_t cap);

#endif
