/* SPDX-License-Identifier: Apache-2.0 */
/* partners.h - settings that mean nothing alone, and settings that set the
 * same thing as another.
 *
 * Two tables in partners.c, each declared once:
 *   - needs: a setting that acts only beside another's value or under
 *     certain commands (--late-max bounds a late share, --stdout-columns
 *     shapes --sink stdout, --window is expect's). Given without its
 *     partner it would be silently ignored: refused instead, naming both.
 *   - clashes: two settings that decide the same thing (--rate chooses the
 *     intensity --intensity sets; --rate paces a run --speed max would
 *     not). Both given on the same level (both flags, or both in the file)
 *     is refused, naming both. A flag over a file's setting wins, as any
 *     flag over its own file setting does: the file's setting is dropped.
 * And -X properties that would replace what a dedicated setting or verify
 * sets (bootstrap.servers is --brokers) are refused.
 *
 * "Given" is a value the user set other than its default, by a flag or a
 * line of the config file (the shipped config/shopstream.cfg, and copies of
 * it, hold every default: those lines are not a choice; --late-max 10m alone
 * changes nothing). In a clash the second setting counts when written at
 * all: --speed max is the default, yet written beside --rate it asks for
 * what --rate cannot give. A file's setting whose partner a flag switched
 * off is taken: the command line may switch off what the file configures.
 *
 * Runs in config_settle() before anything is derived, so every check sees
 * the values as written. */
#ifndef SHOPSTREAM_PARTNERS_H
#define SHOPSTREAM_PARTNERS_H

#include <stddef.h>

#include "options/config.h"

/* 0, or -1 with one line in errstr: "<origin>: expected ..., got ...". */
int settle_partners(run_config *rc, int command, char *errstr, size_t errlen);

#endif
