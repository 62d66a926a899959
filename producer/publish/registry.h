/* SPDX-License-Identifier: Apache-2.0 */
/* registry.h - registering value schemas with a Confluent-compatible Schema Registry.
 *
 * For the registered formats (avro-confluent, protobuf-confluent,
 * json-schema-confluent): before anything is published, each topic's
 * .avsc, .proto or .schema.json is registered under the subject "<topic>-value" (TopicNameStrategy)
 * with POST {url}/subjects/{subject}/versions, and the id the registry
 * answers frames every value of that topic. HTTP through libcurl, JSON
 * through jansson; https follows from the URL; basic auth takes "user:pass"
 * as Confluent's clients name it (config: schema_registry.basic_auth_user_info; libconfig names have no dots). */
#ifndef SHOPSTREAM_REGISTRY_H
#define SHOPSTREAM_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

typedef struct registry_config {
    const char *url;           /* e.g. http://127.0.0.1:8081 or .../apis/ccompat/v7 */
    const char *user_info;     /* "user:password", or NULL */
    int timeout_ms;            /* per request, connect included */
    const char *ca_location;   /* https: a PEM file of CAs to trust instead of the system's; NULL or "": the system's */
    const char *cert_location; /* https with client certificates: a PEM certificate, and its key */
    const char *key_location;
} registry_config;

/* Registers schema (its text) under subject as schema_type: NULL for Avro
 * (the body names no type, as Confluent's API defaults it), else "PROTOBUF"
 * or "JSON" as the body's schemaType; *id is the registry's id for it.
 * Returns 0, or -1 with one line in errstr (unreachable, refused as
 * incompatible, an HTTP error, or an answer that is not what the API says).
 * Errors show the URL with its userinfo masked, never the password. */
int registry_register(const registry_config *cfg, const char *subject, const char *schema_type, const char *schema,
                      int32_t *id, char *errstr, size_t errlen);

#endif
