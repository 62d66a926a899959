/* SPDX-License-Identifier: Apache-2.0 */
/* optdoc.h - the option table as a reader meets it: the options part of
 * --help, and the option reference in Markdown (docs/options.md, printed by
 * `shopstream --help-markdown`, written by scripts/gen-options-doc.sh).
 *
 * Both are printed from the same words per row (options_doc): the flag as
 * typed, the default as a user types it, what the row accepts (the text of
 * "expected ..." in errors) and the help, so --help, the reference and the
 * error messages cannot disagree about a row.
 *
 * Invariants:
 *   - the reference holds one table line per row of options_table, under
 *     the row's config group (the path before its first '.'; top-level
 *     settings; flags without a setting last), in the table's order;
 *   - its output is a function of the table and the built-in defaults only
 *     (no config file, no environment), so a stale docs/options.md is a
 *     plain difference (tests/CMakeLists.txt: option_reference_is_current). */
#ifndef SHOPSTREAM_OPTDOC_H
#define SHOPSTREAM_OPTDOC_H

#include <stdio.h>

#include "config.h"
#include "options.h"

typedef struct option_doc {
    char flag[128];   /* "-s, --scenario NAME", "--csv", "-X name=value"; "" without a flag */
    char def[512];    /* the default as typed, "none" when empty; "" for -c, --help, --version */
    int def_empty;    /* def says "none": the default is empty text (or no property) */
    char values[512]; /* what the row accepts, in words ("an integer in [1, 10000]") */
} option_doc;

/* The words for row o; defaults is config_defaults()'s run_config. */
void options_doc(const run_config *defaults, const option_spec *o, option_doc *d);

/* The options part of --help, from the table. */
void options_usage(FILE *out);

/* The option reference as Markdown: a title, a note that it is generated,
 * then one table per config group. Returns 0, or -1 when out of memory. */
int options_markdown(FILE *out);

#endif
