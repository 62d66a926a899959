/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c - the Schema Registry REST call (see registry.h). */
#include "registry.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clip.h"
#include "base/secrets.h"

#define ANSWER_MAX (1 << 20)

typedef struct answer {
    char *data;
    size_t len;
    int too_big;
} answer;

static size_t on_body(char *ptr, size_t size, size_t n, void *userdata) {
    answer *a = userdata;
    size_t add = size * n;
    if (a->len + add > ANSWER_MAX) {
        a->too_big = 1;
        return 0;
    }
    char *grown = realloc(a->data, a->len + add + 1);
    if (!grown) return 0;
    memcpy(grown + a->len, ptr, add);
    a->data = grown;
    a->len += add;
    a->data[a->len] = '\0';
    return add;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

/* The registry's own message from an error body, if it has one. */
static const char *error_message(json_t *body) {
    json_t *m = json_object_get(body, "message");
    return json_is_string(m) ? json_string_value(m) : NULL;
}

int registry_register(const registry_config *cfg, const char *subject, const char *schema_type, const char *schema,
                      int32_t *id, char *errstr, size_t errlen) {
    pthread_once(&curl_once, curl_init);
    char url[2048];
    size_t base = strlen(cfg->url);
    while (base > 0 && cfg->url[base - 1] == '/') base--;
    snprintf(url, sizeof url, "%.*s/subjects/%s/versions", (int)base, cfg->url, subject);

    json_t *req = schema_type ? json_pack("{s:s,s:s}", "schemaType", schema_type, "schema", schema)
                              : json_pack("{s:s}", "schema", schema);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    CURL *curl = curl_easy_init();
    if (!body || !curl) {
        free(body);
        if (curl) curl_easy_cleanup(curl);
        snprintf(errstr, errlen, "schema registry: out of memory");
        return -1;
    }
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/vnd.schemaregistry.v1+json");
    headers = curl_slist_append(headers, "Accept: application/vnd.schemaregistry.v1+json, application/json");
    answer ans = { NULL, 0, 0 };
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ans);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)cfg->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (cfg->user_info && *cfg->user_info) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERPWD, cfg->user_info);
    }
    if (cfg->ca_location && *cfg->ca_location) curl_easy_setopt(curl, CURLOPT_CAINFO, cfg->ca_location);
    if (cfg->cert_location && *cfg->cert_location) curl_easy_setopt(curl, CURLOPT_SSLCERT, cfg->cert_location);
    if (cfg->key_location && *cfg->key_location) curl_easy_setopt(curl, CURLOPT_SSLKEY, cfg->key_location);
    char shown[2048];
    secrets_mask_url(cfg->url, shown, sizeof shown);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    int result = -1;
    json_error_t jerr;
    json_t *answer_json = NULL;
    if (rc != CURLE_OK) {
        snprintf(errstr, errlen, "cannot reach the schema registry at %s: %s", CLIP(shown),
                 curl_err[0] ? curl_err : curl_easy_strerror(rc));
    } else if (ans.too_big) {
        snprintf(errstr, errlen, "schema registry at %s: answer over %d bytes", CLIP(shown), ANSWER_MAX);
    } else if (!(answer_json = json_loadb(ans.data ? ans.data : "", ans.len, 0, &jerr))) {
        snprintf(errstr, errlen, "schema registry at %s: HTTP %ld with an answer that is not JSON (%.80s)", CLIP(shown),
                 status, ans.data ? ans.data : "");
    } else if (status == 409) {
        const char *m = error_message(answer_json);
        snprintf(errstr, errlen, "schema registry refused the schema for %s as incompatible: %s", subject,
                 m ? m : "(no message)");
    } else if (status < 200 || status >= 300) {
        const char *m = error_message(answer_json);
        snprintf(errstr, errlen, "schema registry at %s: HTTP %ld registering %s: %s", CLIP(shown), status, subject,
                 m ? m : "(no message)");
    } else {
        json_t *jid = json_object_get(answer_json, "id");
        if (!json_is_integer(jid) || json_integer_value(jid) < 0 || json_integer_value(jid) > INT32_MAX) {
            snprintf(errstr, errlen, "schema registry at %s: the answer for %s has no id: %.80s", CLIP(shown), subject,
                     ans.data);
        } else {
            *id = (int32_t)json_integer_value(jid);
            result = 0;
        }
    }
    json_decref(answer_json);
    free(ans.data);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    free(body);
    return result;
}
