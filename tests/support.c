/* SPDX-License-Identifier: Apache-2.0 */
/* support.c - running the program and reading its stats (see support.h). */
#include "support.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void slurp(int fd, char *buf, size_t cap) {
    size_t n = 0;
    ssize_t r;
    while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += (size_t)r;
    buf[n] = '\0';
    char sink[4096];
    while (read(fd, sink, sizeof sink) > 0) {}
}

void support_write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0, "cannot write %s", path);
}

void support_refused_with(const char *const *args, const char *want) {
    run_result r;
    support_run(args, &r);
    cr_assert_eq(r.exit_code, 2, "exit %d: %s", r.exit_code, r.stderr_text);
    char line[1200];
    snprintf(line, sizeof line, "shopstream: %s\n", want);
    cr_assert_str_eq(r.stderr_text, line);
}

void support_run(const char *const *args, run_result *out) { support_run_with(args, -1, 0, 0, out); }

void support_run_out(const char *const *args, int stdout_fd, long file_size_limit, run_result *out) {
    support_run_with(args, stdout_fd, file_size_limit, 0, out);
}

void support_run_in_memory(const char *const *args, size_t address_space, run_result *out) {
    support_run_with(args, -1, 0, address_space, out);
}

void support_run_with(const char *const *args, int stdout_fd, long file_size_limit, size_t address_space,
                      run_result *out) {
    const char *bin = getenv("SHOPSTREAM_BIN");
    memset(out, 0, sizeof *out);
    out->exit_code = -1;
    if (!bin) {
        snprintf(out->stderr_text, sizeof out->stderr_text, "SHOPSTREAM_BIN is not set");
        return;
    }
    char err_path[512], out_path[512];
    support_tmp_path("stderr", err_path, sizeof err_path);
    support_tmp_path("stdout", out_path, sizeof out_path);
    pid_t pid = fork();
    if (pid == 0) {
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int o = stdout_fd >= 0 ? stdout_fd : open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int n = open("/dev/null", O_RDONLY);
        if (e < 0 || o < 0 || n < 0) _exit(127);
        struct rlimit limit = { address_space, address_space };
        if (address_space && setrlimit(RLIMIT_AS, &limit) != 0) _exit(127);
        dup2(n, 0);
        dup2(o, 1);
        dup2(e, 2);
        if (file_size_limit > 0) {
            struct rlimit lim = { (rlim_t)file_size_limit, (rlim_t)file_size_limit };
            signal(SIGXFSZ, SIG_IGN); /* ignored across exec: a write past the limit fails with EFBIG */
            if (setrlimit(RLIMIT_FSIZE, &lim) != 0) _exit(127);
        }
        size_t argc = 0;
        while (args[argc]) argc++;
        char **argv = calloc(argc + 2, sizeof *argv);
        argv[0] = (char *)bin;
        for (size_t i = 0; i < argc; i++) argv[i + 1] = (char *)args[i];
        execv(bin, argv);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    if (pid > 0 && wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status)) out->exit_code = WEXITSTATUS(status);
    out->max_rss_kb = usage.ru_maxrss;
    int fd = open(err_path, O_RDONLY);
    if (fd >= 0) {
        slurp(fd, out->stderr_text, sizeof out->stderr_text);
        close(fd);
    }
    fd = stdout_fd >= 0 ? -1 : open(out_path, O_RDONLY);
    if (fd >= 0) {
        slurp(fd, out->stdout_text, sizeof out->stdout_text);
        close(fd);
    }
    unlink(err_path);
    unlink(out_path);
}

void support_tmp_path(const char *tag, char *buf, size_t cap) {
    static unsigned counter;
    const char *dir = getenv("SHOPSTREAM_TEST_TMP");
    snprintf(buf, cap, "%s/%s.%d.%u", dir ? dir : "/tmp", tag, (int)getpid(), counter++);
}

void support_source_path(const char *relative, char *buf, size_t cap) {
    const char *dir = getenv("SHOPSTREAM_SOURCE_DIR");
    snprintf(buf, cap, "%s/%s", dir ? dir : ".", relative);
}

json_t *support_read_stats(const char *path) {
    json_error_t err;
    return json_load_file(path, 0, &err);
}

uint64_t support_stat(const json_t *stats, const char *name) {
    json_t *v = json_object_get(stats, name);
    return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

uint64_t support_digest(const json_t *stats, const char *name) {
    const char *hex = json_string_value(json_object_get(stats, name));
    unsigned long long v = 0;
    cr_assert(hex && strlen(hex) == 16 && sscanf(hex, "%16llx", &v) == 1, "%s: expected 16 hex digits, got %s", name,
              hex ? hex : "none");
    return (uint64_t)v;
}

uint64_t support_topic_delivered(const json_t *stats, const char *topic) {
    json_t *t = json_object_get(json_object_get(stats, "topics"), topic);
    json_t *v = json_object_get(t, "delivered");
    return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

change_writer *support_change_writer(const char *prefix, changelog_format f, int64_t start_ms) {
    topic_names names;
    char err[1024];
    int which;
    cr_assert_eq(topic_names_make("shop.", &names, err, sizeof err), 0, "%s", err);
    cr_assert_eq(topic_names_add_changes(&names, prefix, "public", &which, err, sizeof err), 0, "%s", err);
    change_writer *w = NULL;
    cr_assert_eq(change_writer_new(&names, prefix, "public", f, start_ms, "USD", &w, err, sizeof err), 0, "%s", err);
    return w;
}
