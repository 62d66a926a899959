/* SPDX-License-Identifier: Apache-2.0 */
/* config.c - defaults, librdkafka properties and blame for a run_config
 * (see config.h). The settings themselves are declared in options.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

const char *const key_format_names[KEY_FORMAT_COUNT] = { "binary", "string" };
const char *const engine_kind_names[ENGINE_KIND_COUNT] = { "auto", "cpu", "gpu" };
const char *const value_format_names[FORMAT_COUNT] = { "avro",     "avro-confluent",     "json",
                                                       "protobuf", "protobuf-confluent", "json-schema-confluent" };
const char *const format_option_names[FORMAT_COUNT + 1] = { "avro",     "avro-confluent",     "json",
                                                            "protobuf", "protobuf-confluent", "json-schema-confluent",
                                                            "auto" };
const char *const sink_kind_names[SINK_KIND_COUNT] = { "kafka", "null", "stdout", "files" };
const char *const file_format_names[FILE_FORMAT_COUNT] = { "jsonl", "avro", "parquet" };
const char *const file_codec_names[FILE_CODEC_COUNT] = { "auto", "none", "deflate", "zstd", "snappy" };
const char *const switch_names[2] = { "off", "on" };
const char *const stdout_columns_names[STDOUT_COLUMNS_COUNT] = { "value", "key-value", "topic-key-value" };
const char *const changelog_kind_names[CHANGELOG_KIND_COUNT] = { "none", "debezium" };
const char *const changelog_format_names[CHANGELOG_FORMAT_COUNT] = { "json", "json-schema", "avro" };

void config_defaults(run_config *rc) {
    memset(rc, 0, sizeof *rc);
    engine_settings_default(&rc->engine);
    char err[512];
    for (size_t i = 0; i < options_count; i++) {
        const option_spec *o = &options_table[i];
        /* The table's defaults are valid values of their rows (tests check). */
        if (o->def && options_set_text(rc, o, o->def, err, sizeof err) != 0) abort();
    }
}

int config_add_property(run_config *rc, const char *name_value, char *errstr, size_t errlen) {
    const char *eq = strchr(name_value, '=');
    /* (The text is not echoed: it may be a secret typed without its name.) */
    if (!eq) {
        snprintf(errstr, errlen, "expected a librdkafka property as name=value, got text without '='");
        return -1;
    }
    if (eq == name_value) {
        snprintf(errstr, errlen, "expected a librdkafka property as name=value, got no name before '='");
        return -1;
    }
    if (rc->n_properties == CONFIG_PROPERTIES_MAX) {
        snprintf(errstr, errlen, "expected at most %d librdkafka properties", CONFIG_PROPERTIES_MAX);
        return -1;
    }
    char *copy = strdup(name_value);
    if (!copy) {
        snprintf(errstr, errlen, "out of memory");
        return -1;
    }
    copy[eq - name_value] = '\0';
    rc->property_text[rc->n_properties] = copy;
    rc->properties[rc->n_properties].name = copy;
    rc->properties[rc->n_properties].value = copy + (eq - name_value) + 1;
    rc->n_properties++;
    return 0;
}

void config_blame(const run_config *rc, size_t offset, const char *message, char *errstr, size_t errlen) {
    const option_spec *o = options_by_offset(offset);
    if (!o) {
        snprintf(errstr, errlen, "%s", message);
        return;
    }
    char where[3200];
    options_origin_text(rc, o, where, sizeof where);
    snprintf(errstr, errlen, "%s: %s", where, message);
}

void config_free(run_config *rc) {
    for (size_t i = rc->n_properties; i > 0; i--) free(rc->property_text[i - 1]);
    rc->n_properties = 0;
}
