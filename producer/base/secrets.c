/* SPDX-License-Identifier: Apache-2.0 */
/* secrets.c - masking URLs and secret property values (see secrets.h). */
#include "secrets.h"

#include <stdio.h>
#include <string.h>

void secrets_mask_url(const char *url, char *out, size_t cap) {
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    /* The last @ of the whole URL: a password typed with a raw '/', '?' or
     * '#' in it must not end the userinfo early. Masking a path's @ as well
     * hides nothing secret. */
    const char *at = strrchr(host, '@');
    if (!at) {
        snprintf(out, cap, "%s", url);
        return;
    }
    snprintf(out, cap, "%.*s***%s", (int)(host - url), url, at);
}

int secrets_property_is_secret(const char *name) {
    static const char *const words[] = { "password", "secret", "token", "credential", "key",  "oauthbearer",
                                         "pasw",     "passw",  "pwd",   "jaas",       "sasl", "auth" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(name, words[i])) return 1;
    return 0;
}
