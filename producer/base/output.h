/* SPDX-License-Identifier: Apache-2.0 */
/* output.h - the end of an output stream the program writes: stdout (the
 * stdout sink's lines, plan, expect and verify's JSON or CSV, --help,
 * --version) and files (--stats-json). A write that fails is the command's
 * failure: one line naming the stream and why ("stdout: No space left on
 * device"; a pipe whose reader left: "stdout: the reader closed it"), and
 * a non-zero exit; the callers say the line and choose the code.
 *
 * Invariant: a stream is checked once, right after its last write. stdio
 * keeps only a flag of an earlier failed write (the data it held is
 * dropped, and a later fflush succeeds), so the reason is the errno that
 * write left: nothing runs between the writes and the check that could
 * change it. No state, no locks. */
#ifndef SHOPSTREAM_OUTPUT_H
#define SHOPSTREAM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

/* Why a write failed, in the words of the line: strerror, but EPIPE is
 * "the reader closed it" (SIGPIPE is ignored: `| head` ends the output). */
const char *output_why(int err);

/* Flushes out: 0 when every write reached the stream, else -1 with
 * "NAME: why" in errstr. */
int output_check(FILE *out, const char *name, char *errstr, size_t errlen);

/* output_check, then fclose (which may fail too): 0 or -1 as it says. */
int output_close(FILE *out, const char *name, char *errstr, size_t errlen);

#endif
