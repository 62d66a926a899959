/* SPDX-License-Identifier: Apache-2.0 */
/* version_cmd.c - `shopstream --version`: the version and what this build has. */
#include "commands.h"

#include "gpu_stage.h"
#include "publish/sink.h"

/* Where the linked librdkafka came from: set by producer/CMakeLists.txt. */
#ifndef SHOPSTREAM_RDKAFKA_ORIGIN
#define SHOPSTREAM_RDKAFKA_ORIGIN "origin not recorded"
#endif

void version_command(FILE *out) {
    fprintf(out, "shopstream %s\n", SHOPSTREAM_VERSION);
    fprintf(out, "  GPU stage: %s (%s)\n", gpu_stage_built() ? "yes" : "no", gpu_stage_build_info());
    fprintf(out, "  formats: avro, avro-confluent, json, protobuf (protobuf-c), protobuf-confluent, "
                 "json-schema-confluent (Schema Registry client: libcurl)\n");
    fprintf(out, "  metrics: Prometheus text at --metrics (libmicrohttpd)\n");
    fprintf(out, "  Kafka client: librdkafka %s (%s); embedded broker: librdkafka's mock cluster\n",
            sink_library_version(), SHOPSTREAM_RDKAFKA_ORIGIN);
}
