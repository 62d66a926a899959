#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kafka-broker-api-versions.sh - as in Kafka's distribution (and apache/kafka's
# image), for the healthcheck docker-compose.yml gives the kafka service.
exec java -Xmx128m -Djava.awt.headless=true -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties \
  -cp "/opt/kafka/libs/*" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
