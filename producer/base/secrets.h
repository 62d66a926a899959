/* SPDX-License-Identifier: Apache-2.0 */
/* secrets.h - what shopstream never prints: passwords in URLs and the values
 * of secret librdkafka properties.
 *
 * Every URL that reaches an error, the progress line, the summary, the
 * stats JSON or /metrics goes through secrets_mask_url; a librdkafka
 * property's value is printed only when secrets_property_is_secret says it
 * is not secret, and never when the name is unknown (a mistyped
 * "sasl.pasword" is as secret as the real one). */
#ifndef SHOPSTREAM_SECRETS_H
#define SHOPSTREAM_SECRETS_H

#include <stddef.h>

/* url with its userinfo (user:password@, up to the URL's last @) replaced
 * by "***@". */
void secrets_mask_url(const char *url, char *out, size_t cap);

/* 1 if a property of this name may hold a secret: every name librdkafka
 * marks sensitive (sasl.password, ssl.key.password, ssl.key.pem,
 * ssl.keystore.password, sasl.oauthbearer.client.secret,
 * sasl.oauthbearer.config, ...) and any name with password, secret, token,
 * credential, key, jaas, sasl or auth in it. */
int secrets_property_is_secret(const char *name);

#endif
