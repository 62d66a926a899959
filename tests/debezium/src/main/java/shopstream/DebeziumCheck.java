// SPDX-License-Identifier: Apache-2.0
package shopstream;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.debezium.data.Envelope;
import io.debezium.transforms.ExtractNewRecordState;

/**
 * The change topics of `shopstream run --changelog debezium`
 * (docs/guide/changelog.md) read back by Kafka Connect's JsonConverter and
 * Debezium's ExtractNewRecordState, as a Connect sink pipeline would.
 *
 * <pre>
 * java shopstream.DebeziumCheck (--bootstrap HOST:PORT | --file RECORDS.jsonl)
 *      [--prefix shopdb] [--schema public] [--schemas-enable true|false]
 *      [--start-ms MS] [--dump RECORDS.jsonl] [--allow-late]
 * </pre>
 *
 * --bootstrap consumes the four topics &lt;prefix&gt;.&lt;schema&gt;.{customers,
 * products,orders,order_items} from the beginning to their end offsets
 * (kafka-clients, byte[] keys and values). --file reads the same records
 * from JSON lines instead ({"topic", "partition", "offset", "timestamp",
 * "key", "value"}; key and value the message's text, a JSON object standing
 * for its text, or null), and --dump writes what was consumed in that form,
 * so a test can plant a fault in a copy. --start-ms is the run's start, for
 * the lsn's time part.
 *
 * With schemas.enable=true (the default, --changelog-format json-schema)
 * each key and value goes through JsonConverter into a SinkRecord, which
 * ExtractNewRecordState unwraps twice: with its defaults
 * (delete.tombstone.handling.mode=tombstone: the tombstone is dropped and the
 * delete becomes a record with a null value) and with
 * delete.tombstone.handling.mode=rewrite, add.fields=op,lsn. The schemas are
 * compared with those Debezium builds (its Envelope builder, the
 * PostgreSQL connector's source block of 2.7.3, the version the events name) for the
 * tables' DDL, and JsonConverter must write each record back as it was
 * read. With schemas.enable=false (--changelog-format json) the records are
 * checked as raw JSON; the transform passes a schemaless record unchanged
 * and drops a tombstone, as it documents.
 *
 * Either way, per key: `before` equals the previous `after` in lsn order,
 * the lsn increases along the key's records (a duplicate, the same lsn
 * again, is counted and must be the same event), the Kafka timestamp equals
 * ts_ms, every delete is followed by a tombstone for the key in its
 * partition. Prints one summary line per topic, one PASS/FAIL line per
 * check, and 'N passed, M failed'; exits 1 on a failure, 2 on a usage or
 * read error.
 */
public final class DebeziumCheck {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TABLES = {"customers", "products", "orders", "order_items"};
    static final int MAX_EXAMPLES = 5;

    // ---- The tables' DDL (docs/guide/changelog.md), as the connector maps
    // it with time.precision.mode=connect: bigint INT64, integer INT32, text
    // STRING, boolean BOOLEAN, timestamp(3) Connect's Timestamp.
    enum Col { BIGINT, INTEGER, TEXT, BOOLEAN, TIMESTAMP }

    record Column(String name, Col type, boolean nullable) {}

    static final Map<String, List<Column>> DDL = new LinkedHashMap<>();

    static {
        DDL.put("customers", List.of(c("id", Col.BIGINT), c("cohort", Col.TEXT), c("preferred_channel", Col.TEXT),
                c("region", Col.TEXT), c("loyalty_tier", Col.TEXT), c("signup_at", Col.TIMESTAMP)));
        DDL.put("products", List.of(c("id", Col.BIGINT), c("category", Col.TEXT), c("name", Col.TEXT),
                c("price_cents", Col.BIGINT), c("in_stock", Col.BOOLEAN), c("updated_at", Col.TIMESTAMP)));
        DDL.put("orders", List.of(c("id", Col.BIGINT), c("customer_id", Col.BIGINT), c("status", Col.TEXT),
                c("channel", Col.TEXT), c("payment_method", Col.TEXT), c("item_count", Col.INTEGER),
                c("subtotal_cents", Col.BIGINT), c("discount_cents", Col.BIGINT), c("total_cents", Col.BIGINT),
                c("refunded_cents", Col.BIGINT), c("currency", Col.TEXT), new Column("campaign_id", Col.BIGINT, true),
                c("created_at", Col.TIMESTAMP), c("updated_at", Col.TIMESTAMP)));
        DDL.put("order_items", List.of(c("id", Col.BIGINT), c("order_id", Col.BIGINT), c("line_number", Col.INTEGER),
                c("product_id", Col.BIGINT), c("quantity", Col.INTEGER), c("unit_price_cents", Col.BIGINT),
                c("discount_cents", Col.BIGINT), c("line_total_cents", Col.BIGINT), c("created_at", Col.TIMESTAMP)));
    }

    static Column c(String name, Col type) {
        return new Column(name, type, false);
    }

    static Schema columnSchema(Column col) {
        SchemaBuilder b = switch (col.type) {
            case BIGINT -> SchemaBuilder.int64();
            case INTEGER -> SchemaBuilder.int32();
            case TEXT -> SchemaBuilder.string();
            case BOOLEAN -> SchemaBuilder.bool();
            case TIMESTAMP -> Timestamp.builder();
        };
        return col.nullable ? b.optional().build() : b.build();
    }

    /** The row schema Debezium's TableSchemaBuilder makes: optional, named &lt;topic&gt;.Value. */
    static Schema valueSchema(String topic, String table) {
        SchemaBuilder b = SchemaBuilder.struct().name(topic + ".Value").optional();
        for (Column col : DDL.get(table)) {
            b.field(col.name, columnSchema(col));
        }
        return b.build();
    }

    static Schema keySchema(String topic) {
        return SchemaBuilder.struct().name(topic + ".Key").field("id", Schema.INT64_SCHEMA).build();
    }

    /**
     * The source block of the PostgreSQL connector of the Debezium the events name (source.version
     * 2.7.3.Final): PostgresSourceInfoStructMaker on AbstractSourceInfoStructMaker's common fields at the
     * tag v2.7.3.Final, with its snapshot Enum (SnapshotRecord.SNAPSHOT_RECORD_SCHEMA). Debezium 3.6.1's
     * differs (a version 1, origin and origin_lsn, more snapshot values): checked against this one.
     */
    static Schema postgresSourceSchema() {
        return SchemaBuilder.struct()
                .name("io.debezium.connector.postgresql.Source")
                .field("version", Schema.STRING_SCHEMA)
                .field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", io.debezium.data.Enum.builder("true,last,false,incremental").defaultValue("false")
                        .optional().build())
                .field("db", Schema.STRING_SCHEMA)
                .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
                .field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA)
                .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    /** The envelope schema as Debezium's Envelope builder makes it for the table (version 2, as 2.7.3's). */
    static Schema envelopeSchema(String topic, String table) {
        return Envelope.defineSchema().withName(topic + ".Envelope").withRecord(valueSchema(topic, table))
                .withSource(postgresSourceSchema()).build().schema();
    }

    // ---- Options and input.
    String bootstrap;
    Path file;
    Path dump;
    String prefix = "shopdb";
    String pgSchema = "public";
    boolean schemas = true;
    Long startMs;
    boolean allowLate;

    record Rec(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {}

    // ---- Check results.
    static final class Check {
        final String name;
        final String what;
        long failures;
        long applied;
        final List<String> examples = new ArrayList<>();

        Check(String name, String what) {
            this.name = name;
            this.what = what;
        }

        void ok() {
            applied++;
        }

        void fail(String example) {
            applied++;
            failures++;
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(example);
            }
        }

        /** true when cond holds; else a failure with the example. */
        boolean expect(boolean cond, String example) {
            if (cond) {
                ok();
            }
            else {
                fail(example);
            }
            return cond;
        }
    }

    final List<Check> allChecks = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    Check check(String topic, String name, String what) {
        Check c = new Check(topic + ": " + name, what);
        allChecks.add(c);
        return c;
    }

    void note(String s) {
        if (!notes.contains(s)) {
            notes.add(s);
        }
    }

    public static void main(String[] args) throws Exception {
        DebeziumCheck c = new DebeziumCheck();
        try {
            c.parse(args);
        }
        catch (IllegalArgumentException e) {
            System.err.println("DebeziumCheck: " + e.getMessage());
            System.err.println("usage: DebeziumCheck (--bootstrap HOST:PORT | --file F.jsonl) [--prefix P] [--schema S]"
                    + " [--schemas-enable true|false] [--start-ms MS] [--dump F.jsonl] [--allow-late]");
            System.exit(2);
        }
        System.exit(c.run());
    }

    void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--allow-late")) {
                allowLate = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--bootstrap" -> bootstrap = v;
                case "--file" -> file = Path.of(v);
                case "--dump" -> dump = Path.of(v);
                case "--prefix" -> prefix = v;
                case "--schema" -> pgSchema = v;
                case "--start-ms" -> startMs = Long.parseLong(v);
                case "--schemas-enable" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException("--schemas-enable is true or false, not " + v);
                    }
                    schemas = v.equals("true");
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if ((bootstrap == null) == (file == null)) {
            throw new IllegalArgumentException("one of --bootstrap and --file");
        }
    }

    int run() throws Exception {
        Map<String, List<Rec>> byTopic = new LinkedHashMap<>();
        for (String t : TABLES) {
            byTopic.put(prefix + "." + pgSchema + "." + t, new ArrayList<>());
        }
        try {
            if (bootstrap != null) {
                consume(byTopic);
            }
            else {
                readFile(byTopic);
            }
        }
        catch (IOException | RuntimeException e) {
            System.err.println("DebeziumCheck: reading the records: " + e);
            return 2;
        }
        if (dump != null) {
            writeDump(byTopic);
        }
        long snapshotLast = 0, snapshotReads = 0;
        for (int i = 0; i < TABLES.length; i++) {
            String topic = prefix + "." + pgSchema + "." + TABLES[i];
            TopicResult r = checkTopic(topic, TABLES[i], byTopic.get(topic));
            snapshotLast += r.snapshotLast;
            snapshotReads += r.snapshot;
            System.out.println(r.summary());
        }
        Check last = check("snapshot", "last",
                "the snapshot's last record, and it alone, has source.snapshot \"last\"");
        if (snapshotReads > 0) {
            last.expect(snapshotLast == 1, snapshotLast + " records with snapshot \"last\" among " + snapshotReads
                    + " snapshot reads");
        }
        for (String n : notes) {
            System.out.println("note: " + n);
        }
        int passed = 0, failed = 0;
        for (Check c : allChecks) {
            if (c.failures == 0) {
                passed++;
                System.out.println("PASS " + c.name + " (" + c.applied + "): " + c.what);
            }
            else {
                failed++;
                System.out.println("FAIL " + c.name + " (" + c.failures + " of " + c.applied + "): " + c.what);
                for (String e : c.examples) {
                    System.out.println("    " + e);
                }
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    void consume(Map<String, List<Rec>> byTopic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : byTopic.keySet()) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                for (PartitionInfo pi : infos) {
                    parts.add(new TopicPartition(topic, pi.partition()));
                }
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            Map<TopicPartition, List<Rec>> got = new HashMap<>();
            long deadline = System.currentTimeMillis() + 300_000;
            while (true) {
                boolean done = true;
                for (TopicPartition tp : parts) {
                    if (consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp)) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the end offsets " + end + " not reached in 300 s");
                }
                for (ConsumerRecord<byte[], byte[]> m : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(m.topic(), m.partition());
                    if (m.offset() >= end.get(tp)) {
                        continue;
                    }
                    if (m.timestampType() != TimestampType.CREATE_TIME) {
                        note(m.topic() + ": timestamp type " + m.timestampType() + ", not CreateTime");
                    }
                    got.computeIfAbsent(tp, k -> new ArrayList<>())
                            .add(new Rec(m.topic(), m.partition(), m.offset(), m.timestamp(), m.key(), m.value()));
                }
            }
            parts.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            for (TopicPartition tp : parts) {
                byTopic.get(tp.topic()).addAll(got.getOrDefault(tp, List.of()));
            }
        }
    }

    void readFile(Map<String, List<Rec>> byTopic) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode j = JSON.readTree(line);
                String topic = j.get("topic").asText();
                List<Rec> list = byTopic.get(topic);
                if (list == null) {
                    throw new IllegalArgumentException(file + ":" + n + ": topic " + topic + " is none of "
                            + byTopic.keySet());
                }
                list.add(new Rec(topic, j.path("partition").asInt(0), j.path("offset").asLong(list.size()),
                        j.get("timestamp").asLong(), bytes(j.get("key")), bytes(j.get("value"))));
            }
        }
        // In a partition's order, as a consumer reads them.
        for (List<Rec> list : byTopic.values()) {
            list.sort(Comparator.comparingInt(Rec::partition).thenComparingLong(Rec::offset));
        }
    }

    static byte[] bytes(JsonNode n) throws IOException {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            return n.asText().getBytes(StandardCharsets.UTF_8);
        }
        return JSON.writeValueAsBytes(n);
    }

    void writeDump(Map<String, List<Rec>> byTopic) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dump, StandardCharsets.UTF_8))) {
            for (List<Rec> list : byTopic.values()) {
                for (Rec r : list) {
                    ObjectNode o = JsonNodeFactory.instance.objectNode();
                    o.put("topic", r.topic).put("partition", r.partition).put("offset", r.offset)
                            .put("timestamp", r.timestamp);
                    o.put("key", r.key == null ? null : new String(r.key, StandardCharsets.UTF_8));
                    o.put("value", r.value == null ? null : new String(r.value, StandardCharsets.UTF_8));
                    w.println(JSON.writeValueAsString(o));
                }
            }
        }
    }

    // ---- One topic.
    static final class TopicResult {
        String topic;
        long records, unwrapped, deletes, tombstones, duplicates, snapshot, late, snapshotLast, partitions;

        String summary() {
            return String.format("%s: records %d, unwrapped %d, deletes %d, tombstones %d, duplicates %d, snapshot %d,"
                    + " late %d, partitions %d", topic, records, unwrapped, deletes, tombstones, duplicates, snapshot,
                    late, partitions);
        }
    }

    /** What a key has seen so far. */
    static final class KeyState {
        int partition = -1;
        long lastLsn = Long.MIN_VALUE;
        final TreeMap<Long, JsonNode> changes = new TreeMap<>();
        JsonNode previous; // the key's previous record's payload in its partition (null: a tombstone or none)
        boolean any;
        boolean pendingDelete;
        long deleteTimestamp;
    }

    /** Numbers equal by value (Jackson reads 5 as an int, JsonConverter writes an int64 as a long). */
    static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber() && a.isIntegralNumber() == b.isIntegralNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
        }
        return 1;
    };

    static boolean sameJson(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.equals(BY_VALUE, b);
    }

    /** The first place two JSON trees differ, for a message. */
    static String jsonDiff(JsonNode a, JsonNode b, String path) {
        if (sameJson(a, b)) {
            return null;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            for (Iterator<String> it = a.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!b.has(f)) {
                    return path + "." + f + " only in the first";
                }
                String d = jsonDiff(a.get(f), b.get(f), path + "." + f);
                if (d != null) {
                    return d;
                }
            }
            for (Iterator<String> it = b.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!a.has(f)) {
                    return path + "." + f + " only in the second";
                }
            }
        }
        if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = jsonDiff(a.get(i), b.get(i), path + "[" + i + "]");
                if (d != null) {
                    return d;
                }
            }
        }
        return path + ": " + abbrev(a) + " != " + abbrev(b);
    }

    static String abbrev(Object o) {
        String s = String.valueOf(o);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    static ExtractNewRecordState<SinkRecord> transform(Map<String, String> config) {
        ExtractNewRecordState<SinkRecord> t = new ExtractNewRecordState<>();
        t.configure(config);
        return t;
    }

    TopicResult checkTopic(String topic, String table, List<Rec> recs) {
        TopicResult res = new TopicResult();
        res.topic = topic;
        res.records = recs.size();
        res.partitions = recs.stream().mapToInt(Rec::partition).distinct().count();

        Check exists = check(topic, "records", "the topic has change events");
        exists.expect(!recs.isEmpty(), "no records read");
        Check convert = check(topic, "convert", schemas
                ? "JsonConverter (schemas.enable=true) converts every key and value"
                : "every key and value is JSON as JsonConverter (schemas.enable=false) writes it: objects,"
                        + " or null for a tombstone");
        Check schemaCheck = schemas
                ? check(topic, "schema", "key and envelope schemas are those Debezium builds for the DDL"
                        + " (Key {id int64}, Envelope with before/after .Value, the PostgreSQL source block)")
                : check(topic, "columns", "before/after hold exactly the DDL's columns, each of its JSON type,"
                        + " null only where nullable");
        Check roundtrip = check(topic, "roundtrip", "JsonConverter writes each key and value back as it was read");
        Check unwrap = check(topic, "unwrap", schemas
                ? "ExtractNewRecordState (defaults): c/u/r give `after` field by field; d gives a null value;"
                        + " tombstones dropped"
                : "ExtractNewRecordState (defaults) passes a schemaless record unchanged and drops a tombstone");
        Check rewrite = !schemas ? null : check(topic, "unwrap-rewrite", "ExtractNewRecordState"
                + " (delete.tombstone.handling.mode=rewrite, add.fields=op,lsn): `after` (`before` for d)"
                + " + __deleted, __op, __lsn; tombstones dropped");
        Check envelope = check(topic, "envelope", "op against before/after, key id = row id, source name/schema/table/"
                + "connector/db, snapshot flag, txId = lsn >> 8");
        Check chain = check(topic, "before", "per key in lsn order: first c or r with before null, then each before"
                + " equals the previous after; nothing after d");
        Check lsn = check(topic, "lsn", "per key the lsn increases (a duplicate is the same event again); the lsn's"
                + " layout: time, entity and snapshot parts, an order's insert 0 and its lines' their line_number,"
                + " one sub for a snapshot and a product version");
        Check time = check(topic, "timestamp", "Kafka timestamp = ts_ms = source.ts_ms");
        Check tomb = check(topic, "tombstone", "every delete is followed by a tombstone of its key in its partition,"
                + " every tombstone follows a delete; a key stays in one partition");

        JsonConverter keyConv = new JsonConverter();
        keyConv.configure(Map.of("schemas.enable", String.valueOf(schemas)), true);
        JsonConverter valConv = new JsonConverter();
        valConv.configure(Map.of("schemas.enable", String.valueOf(schemas)), false);
        ExtractNewRecordState<SinkRecord> plain = transform(Map.of());
        ExtractNewRecordState<SinkRecord> rw = transform(Map.of("delete.tombstone.handling.mode", "rewrite",
                "add.fields", "op,lsn"));
        Schema wantKey = keySchema(topic);
        Schema wantEnvelope = envelopeSchema(topic, table);
        Map<Schema, String> schemaVerdicts = new HashMap<>();
        Map<Long, KeyState> keys = new HashMap<>();
        List<Column> cols = DDL.get(table);
        Map<String, java.util.TreeSet<Long>> subs = new HashMap<>();

        for (Rec r : recs) {
            String at = topic + "/" + r.partition + "@" + r.offset;
            JsonNode rawKey, rawValue;
            try {
                rawKey = r.key == null ? null : JSON.readTree(r.key);
                rawValue = r.value == null ? null : JSON.readTree(r.value);
            }
            catch (IOException e) {
                convert.fail(at + ": not JSON: " + e.getMessage());
                continue;
            }
            // The payloads, as the checks below read them in either format.
            JsonNode keyPayload = schemas && rawKey != null ? rawKey.get("payload") : rawKey;
            JsonNode payload = schemas && rawValue != null ? rawValue.get("payload") : rawValue;

            SchemaAndValue k, v;
            try {
                k = keyConv.toConnectData(topic, r.key);
                v = valConv.toConnectData(topic, r.value);
            }
            catch (RuntimeException e) {
                convert.fail(at + ": " + e);
                continue;
            }
            if (!convert.expect(rawKey != null && keyPayload != null && keyPayload.isObject()
                    && (rawValue == null || (payload != null && payload.isObject())),
                    at + ": key " + abbrev(rawKey) + ", value " + abbrev(rawValue))) {
                continue;
            }

            // Round trip: what JsonConverter writes of what it read.
            try {
                JsonNode k2 = JSON.readTree(keyConv.fromConnectData(topic, k.schema(), k.value()));
                byte[] vb = valConv.fromConnectData(topic, v.schema(), v.value());
                JsonNode v2 = vb == null ? null : JSON.readTree(vb);
                String d = jsonDiff(rawKey, k2, "key");
                if (d == null) {
                    d = jsonDiff(rawValue, v2, "value");
                }
                roundtrip.expect(d == null, at + ": read, then written: " + d);
            }
            catch (IOException | RuntimeException e) {
                roundtrip.fail(at + ": " + e);
            }

            // Schemas: compared once per distinct schema.
            if (schemas) {
                String verdict = schemaVerdicts.computeIfAbsent(k.schema(),
                        s -> schemaDiff(wantKey, s, "key schema", true));
                if (verdict == null && v.schema() != null) {
                    verdict = schemaVerdicts.computeIfAbsent(v.schema(),
                            s -> schemaDiff(wantEnvelope, s, "value schema", false));
                }
                schemaCheck.expect(verdict == null, at + ": " + verdict);
            }
            else {
                String d = null;
                for (String side : new String[]{"before", "after"}) {
                    JsonNode row = payload == null ? null : payload.get(side);
                    if (d == null && row != null && !row.isNull()) {
                        d = rowShape(row, cols, side);
                    }
                }
                if (d == null && (!keyPayload.path("id").isIntegralNumber() || keyPayload.size() != 1)) {
                    d = "key " + keyPayload + " is not {\"id\": <int64>}";
                }
                schemaCheck.expect(d == null, at + ": " + d);
            }

            long id = keyPayload.path("id").asLong();
            KeyState ks = keys.computeIfAbsent(id, x -> new KeyState());
            if (ks.partition < 0) {
                ks.partition = r.partition;
            }
            else if (ks.partition != r.partition) {
                tomb.fail(at + ": key " + id + " was in partition " + ks.partition);
            }

            // The transform, as a sink connector's pipeline applies it.
            SinkRecord rec = new SinkRecord(topic, r.partition, k.schema(), k.value(), v.schema(), v.value(), r.offset,
                    r.timestamp, TimestampType.CREATE_TIME);

            if (r.value == null) {
                // A tombstone.
                res.tombstones++;
                tomb.expect(ks.pendingDelete, at + ": tombstone of key " + id + " not after a delete (previous: "
                        + abbrev(ks.previous) + ")");
                if (ks.pendingDelete && r.timestamp != ks.deleteTimestamp) {
                    note(topic + ": a tombstone's timestamp differs from its delete's (" + at + ": " + r.timestamp
                            + " vs " + ks.deleteTimestamp + ")");
                }
                ks.pendingDelete = false;
                ks.previous = null;
                unwrap.expect(plain.apply(rec) == null, at + ": the tombstone was not dropped");
                if (rewrite != null) {
                    rewrite.expect(rw.apply(rec) == null, at + ": the tombstone was not dropped");
                }
                continue;
            }

            String op = payload.path("op").asText(null);
            JsonNode before = payload.get("before"), after = payload.get("after"), source = payload.get("source");
            long recLsn = source == null ? Long.MIN_VALUE : source.path("lsn").asLong(Long.MIN_VALUE);
            if (ks.pendingDelete) {
                tomb.fail(at + ": key " + id + " has a delete not followed by its tombstone (next: op " + op + ")");
                ks.pendingDelete = false;
            }

            // Envelope checks.
            checkEnvelope(envelope, at, table, id, op, before, after, source, res);

            // Timestamps.
            long tsMs = payload.path("ts_ms").asLong(Long.MIN_VALUE);
            long srcTs = source == null ? Long.MIN_VALUE : source.path("ts_ms").asLong(Long.MIN_VALUE);
            time.expect(tsMs == r.timestamp && srcTs == r.timestamp,
                    at + ": Kafka timestamp " + r.timestamp + ", ts_ms " + tsMs + ", source.ts_ms " + srcTs);

            // lsn along the key, duplicates.
            boolean duplicate = false;
            if (ks.changes.containsKey(recLsn)) {
                duplicate = true;
                res.duplicates++;
                lsn.expect(sameJson(ks.changes.get(recLsn), payload), at + ": lsn " + recLsn + " of key " + id
                        + " again with another event: " + jsonDiff(ks.changes.get(recLsn), payload, "value"));
            }
            else if (recLsn <= ks.lastLsn) {
                res.late++;
                if (allowLate) {
                    lsn.ok();
                }
                else {
                    lsn.fail(at + ": key " + id + ": lsn " + recLsn + " after " + ks.lastLsn + " (op " + op + ")");
                }
                ks.changes.put(recLsn, payload);
            }
            else {
                lsn.ok();
                ks.changes.put(recLsn, payload);
                ks.lastLsn = recLsn;
            }
            checkLsnLayout(lsn, at, table, op, after != null && !after.isNull() ? after : before, recLsn, tsMs,
                    subs);

            if ("d".equals(op)) {
                res.deletes++;
                ks.pendingDelete = true;
                ks.deleteTimestamp = r.timestamp;
            }
            if ("r".equals(op) && !duplicate) {
                res.snapshot++;
                if ("last".equals(source.path("snapshot").asText())) {
                    res.snapshotLast++;
                }
            }
            ks.previous = payload;
            ks.any = true;

            // The transform.
            SinkRecord out = plain.apply(rec);
            if (!schemas) {
                unwrap.expect(out == rec || (out != null && out.value() == rec.value()),
                        at + ": a schemaless record was not passed unchanged: "
                                + (out == null ? null : abbrev(out.value())));
                if (out != null && out.value() != null) {
                    res.unwrapped++;
                }
                continue;
            }
            if (!(v.value() instanceof Struct envelopeStruct)) {
                unwrap.fail(at + ": the value is no struct: " + abbrev(v.value()));
                rewrite.fail(at + ": the value is no struct: " + abbrev(v.value()));
                continue;
            }
            Struct afterStruct = envelopeStruct.schema().field("after") == null ? null
                    : envelopeStruct.getStruct("after");
            Struct beforeStruct = envelopeStruct.schema().field("before") == null ? null
                    : envelopeStruct.getStruct("before");
            if ("d".equals(op)) {
                unwrap.expect(out != null && out.value() == null && Objects.equals(out.key(), rec.key()),
                        at + ": a delete unwrapped to " + (out == null ? "nothing" : abbrev(out.value()))
                                + ", not a record with a null value");
            }
            else if (out == null || !(out.value() instanceof Struct)) {
                unwrap.fail(at + ": op " + op + " unwrapped to " + (out == null ? "nothing" : abbrev(out.value())));
            }
            else {
                res.unwrapped++;
                // The schema is rebuilt (SchemaUtil.copySchemaBasics: required, where `after`'s is
                // optional): its name and fields are `after`'s (structDiff below).
                unwrap.expect(afterStruct != null
                        && Objects.equals(out.valueSchema().name(), afterStruct.schema().name())
                        && out.timestamp() == r.timestamp && Objects.equals(out.key(), rec.key()),
                        at + ": unwrapped schema " + schemaText(out.valueSchema()) + ", timestamp " + out.timestamp()
                                + "; after's schema " + (afterStruct == null ? null : schemaText(afterStruct.schema()))
                                + ", the record's timestamp " + r.timestamp);
                String d = structDiff(afterStruct, (Struct) out.value(), List.of());
                unwrap.expect(d == null, at + ": unwrapped value is not `after`: " + d);
            }
            SinkRecord out2 = rw.apply(rec);
            Struct row = "d".equals(op) ? beforeStruct : afterStruct;
            if (out2 == null || !(out2.value() instanceof Struct) || row == null) {
                rewrite.fail(at + ": op " + op + " rewritten to " + (out2 == null ? "nothing" : abbrev(out2.value())));
            }
            else {
                Struct got = (Struct) out2.value();
                String d = structDiff(row, got, List.of("__deleted", "__op", "__lsn"));
                if (d == null && !Objects.equals(got.get("__deleted"), "d".equals(op) ? "true" : "false")) {
                    d = "__deleted " + got.get("__deleted");
                }
                if (d == null && !Objects.equals(got.get("__op"), op)) {
                    d = "__op " + got.get("__op") + ", op " + op;
                }
                if (d == null && !Objects.equals(got.get("__lsn"), recLsn)) {
                    d = "__lsn " + got.get("__lsn") + ", source.lsn " + recLsn;
                }
                rewrite.expect(d == null, at + ": " + d);
            }
        }
        plain.close();
        rw.close();
        checkSubs(lsn, topic, table, subs);

        // After the last record: a delete still waiting for its tombstone.
        for (Map.Entry<Long, KeyState> e : keys.entrySet()) {
            if (e.getValue().pendingDelete) {
                tomb.fail(topic + ": key " + e.getKey() + ": its delete is its last record, no tombstone after it");
            }
        }
        // The chain of before/after per key, in lsn order.
        for (Map.Entry<Long, KeyState> e : keys.entrySet()) {
            JsonNode prevAfter = null;
            String prevOp = null;
            boolean first = true;
            for (Map.Entry<Long, JsonNode> ch : e.getValue().changes.entrySet()) {
                JsonNode p = ch.getValue();
                String op = p.path("op").asText();
                JsonNode before = nullIfNull(p.get("before")), after = nullIfNull(p.get("after"));
                String where = topic + ": key " + e.getKey() + ", lsn " + ch.getKey() + " (op " + op + ")";
                if (first) {
                    chain.expect((op.equals("c") || op.equals("r")) && before == null,
                            where + ": the key's first change, before " + abbrev(before));
                }
                else if ("d".equals(prevOp)) {
                    chain.fail(where + ": a change after the key's delete");
                }
                else if (op.equals("c") || op.equals("r")) {
                    chain.fail(where + ": a second insert or read of the key");
                }
                else {
                    String d = jsonDiff(before, prevAfter, "before");
                    chain.expect(d == null, where + ": before is not the previous after ("
                            + "before != previous after at " + d + ")");
                }
                first = false;
                prevAfter = after;
                prevOp = op;
            }
        }
        return res;
    }

    static String schemaText(Schema s) {
        StringBuilder b = new StringBuilder();
        b.append(s.type()).append(s.isOptional() ? "?" : "").append(s.name() == null ? "" : " " + s.name())
                .append(s.version() == null ? "" : " v" + s.version());
        if (s.type() == Schema.Type.STRUCT) {
            b.append(" {");
            for (Field f : s.fields()) {
                b.append(f.name()).append(": ").append(schemaText(f.schema())).append(", ");
            }
            b.append("}");
        }
        return b.toString();
    }

    static JsonNode nullIfNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    void checkEnvelope(Check envelope, String at, String table, long id, String op, JsonNode before, JsonNode after,
                       JsonNode source, TopicResult res) {
        before = nullIfNull(before);
        after = nullIfNull(after);
        String d = null;
        if (op == null || !List.of("c", "r", "u", "d").contains(op)) {
            d = "op " + op;
        }
        else if ((op.equals("c") || op.equals("r")) && (before != null || after == null)) {
            d = "op " + op + " needs before null and after a row";
        }
        else if (op.equals("u") && (before == null || after == null)) {
            d = "op u needs before and after";
        }
        else if (op.equals("d") && (before == null || after != null)) {
            d = "op d needs before a row and after null";
        }
        else if (source == null || !source.isObject()) {
            d = "no source block";
        }
        if (d == null) {
            JsonNode row = after != null ? after : before;
            if (row.path("id").asLong(Long.MIN_VALUE) != id) {
                d = "key id " + id + ", row id " + row.path("id");
            }
            else if (table.equals("order_items")
                    && id != row.path("order_id").asLong() * 8 + row.path("line_number").asLong()) {
                d = "order_items id " + id + " is not order_id * 8 + line_number";
            }
        }
        if (d == null) {
            Map<String, String> want = Map.of("name", prefix, "schema", pgSchema, "table", table,
                    "connector", "postgresql", "db", "shop");
            for (Map.Entry<String, String> e : want.entrySet()) {
                if (!e.getValue().equals(source.path(e.getKey()).asText(null))) {
                    d = "source." + e.getKey() + " " + source.get(e.getKey()) + ", not " + e.getValue();
                    break;
                }
            }
        }
        if (d == null) {
            String snap = source.path("snapshot").isNull() || source.path("snapshot").isMissingNode() ? "false"
                    : source.path("snapshot").asText();
            boolean snapshotRead = op.equals("r");
            // The guide writes true and last; a 2.7.3 snapshot also marks first, first_in_data_collection
            // and last_in_data_collection (RelationalSnapshotChangeEventSource.setSnapshotMarker).
            if (snapshotRead == snap.equals("false") || !List.of("true", "first", "first_in_data_collection",
                    "last_in_data_collection", "last", "false").contains(snap)) {
                d = "op " + op + " with source.snapshot " + source.get("snapshot");
            }
        }
        if (d == null) {
            JsonNode lsn = source.get("lsn"), tx = source.get("txId");
            if (lsn == null || !lsn.isIntegralNumber() || tx == null || !tx.isIntegralNumber()) {
                d = "source.lsn " + lsn + ", source.txId " + tx;
            }
            else if (tx.asLong() != lsn.asLong() >>> 8) {
                d = "source.txId " + tx + " is not lsn >> 8 (" + (lsn.asLong() >>> 8) + ")";
            }
        }
        envelope.expect(d == null, at + ": " + d);
    }

    /**
     * The lsn's layout (docs/guide/changelog.md#the-envelope): ((ts_ms - start_ms + 1) &lt;&lt; 28) | ((entity id
     * mod 2^20) &lt;&lt; 8) | sub, the entity an order for orders and order_items, a product for products; a
     * snapshot read's ((id mod 2^20) &lt;&lt; 8) | sub, below every streamed change. Checked: those parts, an
     * order's insert at sub 0 and its lines' at their line_number, its later changes above 0, one sub for a
     * table's snapshot and one for a product version. The subs themselves are noted beside the guide's
     * (snapshot 200 for products, 201 for customers; a product version 128; an order's life 64 + step).
     */
    void checkLsnLayout(Check lsn, String at, String table, String op, JsonNode row, long l, long tsMs,
                        Map<String, java.util.TreeSet<Long>> subs) {
        if (row == null || row.isNull()) {
            return;
        }
        long id = row.path("id").asLong();
        long sub = l & 0xFF;
        java.util.TreeSet<Long> seen = subs.computeIfAbsent(op, x -> new java.util.TreeSet<>());
        if (seen.size() < 64) {
            seen.add(sub);
        }
        String d = null;
        if ("r".equals(op)) {
            if ((l >>> 28) != 0 || ((l >>> 8) & 0xFFFFF) != (id & 0xFFFFF)) {
                d = "snapshot lsn " + l + " is not ((id mod 2^20) << 8) | sub";
            }
        }
        else {
            long entity = table.equals("order_items") ? row.path("order_id").asLong() : id;
            if (((l >>> 8) & 0xFFFFF) != (entity & 0xFFFFF)) {
                d = "lsn " + l + ": bits 8-27 " + ((l >>> 8) & 0xFFFFF) + ", entity id mod 2^20 " + (entity & 0xFFFFF);
            }
            else if ((l >>> 28) == 0 || startMs != null && (l >>> 28) != tsMs - startMs + 1) {
                d = "lsn " + l + ": time part " + (l >>> 28) + ", ts_ms - start_ms + 1 = "
                        + (startMs == null ? "(no --start-ms)" : tsMs - startMs + 1);
            }
            else if ("c".equals(op) && table.equals("orders") && sub != 0) {
                d = "an order's insert has sub " + sub + ", not 0";
            }
            else if ("c".equals(op) && table.equals("order_items") && sub != row.path("line_number").asLong()) {
                d = "an item's insert has sub " + sub + ", not its line_number";
            }
            else if (!"c".equals(op) && table.equals("orders") && sub == 0) {
                d = "an order's change after its insert has sub 0";
            }
        }
        if (d != null) {
            lsn.fail(at + ": " + d);
        }
    }

    /**
     * After a topic: its lsn subs are the guide's (docs/guide/changelog.md): a snapshot record 252 (products)
     * or 253 (customers), a product version 250, a customer version 251; an order's life change or delete 16 s + 8
     * for its step s (1-10); an item's delete 16 s + its line (0-4).
     */
    void checkSubs(Check lsn, String topic, String table, Map<String, java.util.TreeSet<Long>> subs) {
        Map<String, Long> guide = new HashMap<>();
        if (table.equals("customers")) {
            guide.put("r", 253L);
            guide.put("u", 251L);
        }
        if (table.equals("products")) {
            guide.put("r", 252L);
            guide.put("u", 250L);
        }
        for (Map.Entry<String, Long> g : guide.entrySet()) {
            java.util.TreeSet<Long> seen = subs.get(g.getKey());
            if (seen != null) {
                lsn.expect(seen.equals(java.util.Set.of(g.getValue())),
                        topic + ": op " + g.getKey() + " has lsn subs " + seen + "; the guide says " + g.getValue());
            }
        }
        if (table.equals("orders")) {
            java.util.TreeSet<Long> u = new java.util.TreeSet<>(subs.getOrDefault("u", new java.util.TreeSet<>()));
            u.addAll(subs.getOrDefault("d", new java.util.TreeSet<>()));
            for (long s : u) {
                lsn.expect((s - 8) % 16 == 0 && (s - 8) / 16 >= 1 && (s - 8) / 16 <= 10,
                        topic + ": an order's life change has lsn sub " + s + "; the guide says 16 s + 8, s 1-10");
            }
        }
        if (table.equals("order_items")) {
            for (long s : subs.getOrDefault("d", new java.util.TreeSet<>())) {
                lsn.expect(s % 16 <= 4 && s / 16 >= 1 && s / 16 <= 10,
                        topic + ": an item's delete has lsn sub " + s + "; the guide says 16 s + line, line 0-4");
            }
        }
    }

    /** A JSON row against the DDL: exactly its columns, each of its JSON type. */
    static String rowShape(JsonNode row, List<Column> cols, String side) {
        if (!row.isObject()) {
            return side + " is " + abbrev(row);
        }
        if (row.size() != cols.size()) {
            List<String> names = new ArrayList<>();
            row.fieldNames().forEachRemaining(names::add);
            return side + " has columns " + names + ", the DDL " + cols.stream().map(Column::name).toList();
        }
        for (Column col : cols) {
            JsonNode v = row.get(col.name);
            if (v == null) {
                return side + " lacks " + col.name;
            }
            if (v.isNull()) {
                if (!col.nullable) {
                    return side + "." + col.name + " is null, NOT NULL in the DDL";
                }
                continue;
            }
            boolean ok = switch (col.type) {
                case BIGINT, TIMESTAMP -> v.isIntegralNumber() && v.canConvertToLong();
                case INTEGER -> v.isIntegralNumber() && v.canConvertToInt();
                case TEXT -> v.isTextual();
                case BOOLEAN -> v.isBoolean();
            };
            if (!ok) {
                return side + "." + col.name + " = " + v + " is not a " + col.type;
            }
        }
        return null;
    }

    /** Where two row structs differ, field by field (extra: fields only got may have, e.g. __op). */
    static String structDiff(Struct want, Struct got, List<String> extra) {
        if (want == null || got == null) {
            return "want " + want + ", got " + got;
        }
        List<String> wantNames = new ArrayList<>(want.schema().fields().stream().map(Field::name).toList());
        wantNames.addAll(extra);
        List<String> gotNames = got.schema().fields().stream().map(Field::name).toList();
        if (!wantNames.equals(gotNames)) {
            return "fields " + gotNames + ", want " + wantNames;
        }
        for (Field f : want.schema().fields()) {
            Object a = want.getWithoutDefault(f.name()), b = got.getWithoutDefault(f.name());
            if (!Objects.equals(a, b)) {
                return f.name() + ": " + b + ", after has " + a;
            }
            if (!f.schema().equals(got.schema().field(f.name()).schema())) {
                return f.name() + ": schema " + got.schema().field(f.name()).schema() + ", after's " + f.schema();
            }
        }
        return null;
    }

    /**
     * Where a schema read from the topic differs from the one Debezium builds. strict: every field of want,
     * none other. Otherwise an optional field of want may be absent (a note: a newer Debezium has fields an
     * older one did not, such as source.origin), and a version or parameter that differs is a note.
     */
    String schemaDiff(Schema want, Schema got, String path, boolean strict) {
        if (got == null) {
            return path + ": none (schema null)";
        }
        if (want.type() != got.type()) {
            return path + ": type " + got.type() + ", want " + want.type();
        }
        if (want.isOptional() != got.isOptional()) {
            return path + ": optional " + got.isOptional() + ", want " + want.isOptional();
        }
        if (!Objects.equals(want.name(), got.name())) {
            return path + ": name " + got.name() + ", want " + want.name();
        }
        if (!Objects.equals(want.version(), got.version())) {
            if (strict || want.name() != null && want.name().startsWith("org.apache.kafka.connect.data.")) {
                return path + ": version " + got.version() + ", want " + want.version();
            }
            note(path + " (" + got.name() + "): version " + got.version() + "; Debezium 2.7.3 writes "
                    + want.version());
        }
        if (!Objects.equals(want.parameters(), got.parameters())) {
            if (strict) {
                return path + ": parameters " + got.parameters() + ", want " + want.parameters();
            }
            note(path + ": parameters " + got.parameters() + "; Debezium 2.7.3 writes " + want.parameters());
        }
        if (!Objects.equals(want.defaultValue(), got.defaultValue())) {
            note(path + ": default " + got.defaultValue() + "; Debezium 2.7.3 writes " + want.defaultValue());
        }
        if (want.type() != Schema.Type.STRUCT) {
            return null;
        }
        int wi = 0;
        List<Field> wf = want.fields();
        for (Field g : got.fields()) {
            Field w = want.field(g.name());
            if (w == null) {
                return path + ": field " + g.name() + " that Debezium does not write";
            }
            while (wi < wf.size() && !wf.get(wi).name().equals(g.name())) {
                Field skipped = wf.get(wi);
                if (strict || !skipped.schema().isOptional()) {
                    return path + ": field " + skipped.name() + " missing (or out of order: "
                            + got.fields().stream().map(Field::name).toList() + ")";
                }
                if (got.field(skipped.name()) != null) {
                    return path + ": fields out of order: " + got.fields().stream().map(Field::name).toList()
                            + ", Debezium's " + wf.stream().map(Field::name).toList();
                }
                note(path + ": optional field " + skipped.name() + " absent (Debezium 2.7.3 writes it)");
                wi++;
            }
            boolean strictBelow = strict || g.name().equals("before") || g.name().equals("after");
            String d = schemaDiff(w.schema(), g.schema(), path + "." + g.name(), strictBelow);
            if (d != null) {
                return d;
            }
            wi++;
        }
        for (; wi < wf.size(); wi++) {
            Field skipped = wf.get(wi);
            if (strict || !skipped.schema().isOptional()) {
                return path + ": field " + skipped.name() + " missing";
            }
            note(path + ": optional field " + skipped.name() + " absent (Debezium 2.7.3 writes it)");
        }
        return null;
    }
}
