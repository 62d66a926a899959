/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_config.c - any bytes as a config file: loaded and settled, every
 * error one line naming the file, never a crash, a hang or a leak. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options/config.h"
#include "fuzz_support.h"
#include "settle/settle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static run_config rc;
    char path[64], err[1024];
    int fd = fuzz_as_file(data, size, path, sizeof path);
    if (fd < 0) return 0;
    config_defaults(&rc);
    if (config_load(&rc, path, err, sizeof err) == 0) {
        settle_env env = { .data_dir = fuzz_source_dir(), .now_ms = INT64_C(1795700000000), .cores = 2 };
        if (config_settle(&rc, &env, err, sizeof err) != 0 && !strchr(err, ':')) abort(); /* names its origin */
    } else if (strncmp(err, path, strlen(path)) != 0) {
        abort(); /* an error names the file first (report_line makes it one line) */
    }
    config_free(&rc);
    close(fd);
    return 0;
}
