/* SPDX-License-Identifier: Apache-2.0 */
/* output.c - a write error on an output stream, found and said (see output.h). */
#include "output.h"

#include <errno.h>
#include <string.h>

const char *output_why(int err) {
    if (err == EPIPE) return "the reader closed it";
    return err ? strerror(err) : "a write failed";
}

int output_check(FILE *out, const char *name, char *errstr, size_t errlen) {
    int err = errno; /* an earlier failed write's, when ferror says there was one */
    if (fflush(out) != 0)
        err = errno;
    else if (!ferror(out))
        return 0;
    snprintf(errstr, errlen, "%s: %s", name, output_why(err));
    return -1;
}

int output_close(FILE *out, const char *name, char *errstr, size_t errlen) {
    int rc = output_check(out, name, errstr, errlen);
    errno = 0;
    if (fclose(out) != 0 && rc == 0) {
        snprintf(errstr, errlen, "%s: %s", name, output_why(errno));
        rc = -1;
    }
    return rc;
}
