// SPDX-License-Identifier: Apache-2.0
// FlinkFiles - Apache Flink SQL over a shopstream run written with --sink
// files, as a batch job over a data lake would read it: the orders table
// declared over DIR/orders with Flink's filesystem connector, its date=
// folders as the partition column `date`, in an embedded MiniCluster in batch
// mode at parallelism 2 (the session in UTC), in one of three formats:
//
//   parquet     'format' = 'parquet' (Parquet-java underneath): every column
//               of schemas/orders.avsc, our INT64 TIMESTAMP(MILLIS, UTC)
//               event_time as TIMESTAMP_LTZ(3), the enums as STRING
//   avro        the Avro container files through flink-avro's file reader
//               given the files' own schema ('format' = 'avro-writer-schema',
//               WriterSchemaAvroFormatFactory): every column, as above
//   avro-stock  'format' = 'avro' itself, which cannot read an Avro enum as
//               STRING (see WriterSchemaAvroFormatFactory): every column but
//               channel, payment_method and status, event_time as TIMESTAMP(3);
//               its revenue is printed as "-" (it needs status)
//
// Hidden files (.part-*.tmp) and _SUCCESS are not read (the connector skips
// names starting with '.' or '_'). The files hold every copy the run
// published (duplicates, late copies), so orders are made distinct first;
// then per tumbling 1 h window on event_time:
//
//   window_start_ms  orders (COUNT DISTINCT order_id)  revenue_cents (SUM of
//                    total_cents of the paid ones)
//
// one tab-separated line each on stdout, in window order.
// tests/integration/flink_files.py compares them with `shopstream expect`.
// On stderr, one line:
//   FlinkFiles: FORMAT: ROWS rows, MISPLACED outside their date partition,
//   NULLS NULL in a NOT NULL column, WINDOWS windows in SECONDS s
//
// Usage: FlinkFiles DIR parquet|avro|avro-stock
package shopstream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

public final class FlinkFiles {
    // schemas/orders.avsc: the enums as STRING, campaign_id the one nullable column.
    private static final String[][] COLUMNS = {
        { "order_id", "BIGINT NOT NULL" }, { "customer_id", "BIGINT NOT NULL" },
        { "event_time", "TIMESTAMP_LTZ(3) NOT NULL" }, { "channel", "STRING NOT NULL" },
        { "payment_method", "STRING NOT NULL" }, { "status", "STRING NOT NULL" }, { "item_count", "INT NOT NULL" },
        { "subtotal_cents", "BIGINT NOT NULL" }, { "discount_cents", "BIGINT NOT NULL" },
        { "total_cents", "BIGINT NOT NULL" }, { "currency", "STRING NOT NULL" }, { "campaign_id", "BIGINT" },
        { "scenario", "STRING NOT NULL" },
    };
    // The columns the Avro files hold as enums: 'format' = 'avro' cannot read them.
    private static final Set<String> ENUMS = Set.of("channel", "payment_method", "status");

    /** A window start as epoch milliseconds (the session is in UTC). */
    private static long millis(Object v) {
        if (v instanceof LocalDateTime t) return t.toInstant(ZoneOffset.UTC).toEpochMilli();
        if (v instanceof Instant t) return t.toEpochMilli();
        return ((Number) v).longValue();
    }

    private static Row one(TableEnvironment env, String sql) throws Exception {
        try (CloseableIterator<Row> it = env.executeSql(sql).collect()) {
            return it.next();
        }
    }

    /** The Avro schema the first of DIR/orders' files was written with (they all share it). */
    private static String writerSchema(String dir) throws Exception {
        try (Stream<Path> files = Files.walk(Path.of(dir, "orders"))) {
            Path first = files.filter(p -> p.getFileName().toString().matches("[^._].*\\.avro")).sorted().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no .avro file under " + dir + "/orders"));
            try (DataFileReader<Object> r = new DataFileReader<>(first.toFile(), new GenericDatumReader<>())) {
                return r.getSchema().toString();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[1].matches("parquet|avro|avro-stock")) {
            System.err.println("usage: FlinkFiles DIR parquet|avro|avro-stock");
            System.exit(2);
        }
        String dir = args[0], format = args[1];
        long t0 = System.nanoTime();
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        env.getConfig().set("table.local-time-zone", "UTC");
        env.getConfig().set("parallelism.default", "2");
        env.getConfig().set("restart-strategy.type", "none");  // a failed read fails the job, not a retry loop
        boolean stock = format.equals("avro-stock");
        List<String> columns = new ArrayList<>(), nulls = new ArrayList<>();
        for (String[] c : COLUMNS) {
            if (stock && ENUMS.contains(c[0])) continue;
            // 'format' = 'avro' (its file format ignores 'avro.timestamp_mapping.legacy' and maps
            // as before Flink 1.19) derives timestamp-millis from TIMESTAMP(3) and has no Avro type
            // for TIMESTAMP_LTZ(3): "Unsupported to derive Schema for type: TIMESTAMP_LTZ(3)".
            columns.add(c[0] + " " + (stock ? c[1].replace("TIMESTAMP_LTZ", "TIMESTAMP") : c[1]));
            if (c[1].endsWith("NOT NULL")) nulls.add(c[0] + " IS NULL");
        }
        String options = switch (format) {
            case "parquet" -> "'format' = 'parquet'";
            case "avro-stock" -> "'format' = 'avro'";
            default -> "'format' = 'avro-writer-schema', 'avro-writer-schema.schema' = '"
                + writerSchema(dir).replace("'", "''") + "'";
        };
        env.executeSql("CREATE TABLE orders (" + String.join(", ", columns) + ", `date` STRING) "
            + "PARTITIONED BY (`date`) WITH ('connector' = 'filesystem', 'path' = 'file://" + dir + "/orders', "
            + options + ")");
        // Distinct copies first: the files hold every copy the run published.
        env.executeSql("CREATE VIEW distinct_orders AS SELECT DISTINCT order_id, event_time, total_cents"
            + (stock ? "" : ", status") + " FROM orders");
        Row all = one(env, "SELECT COUNT(*), "
            + "COALESCE(SUM(CASE WHEN `date` <> DATE_FORMAT(event_time, 'yyyy-MM-dd') THEN 1 ELSE 0 END), 0), "
            + "COALESCE(SUM(CASE WHEN " + String.join(" OR ", nulls) + " THEN 1 ELSE 0 END), 0) FROM orders");
        Map<Long, String> windows = new TreeMap<>();
        try (CloseableIterator<Row> it = env.executeSql("SELECT window_start, COUNT(DISTINCT order_id), "
                + (stock ? "'-'" : "COALESCE(SUM(CASE WHEN status = 'paid' THEN total_cents ELSE 0 END), 0)")
                + " FROM TABLE(TUMBLE(TABLE distinct_orders, DESCRIPTOR(event_time), INTERVAL '1' HOUR)) "
                + "GROUP BY window_start, window_end").collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                windows.put(millis(r.getField(0)), r.getField(1) + "\t" + r.getField(2));
            }
        }
        for (Map.Entry<Long, String> e : windows.entrySet())
            System.out.println(e.getKey() + "\t" + e.getValue());
        System.err.printf("FlinkFiles: %s: %s rows, %s outside their date partition, %s NULL in a NOT NULL column, "
            + "%d windows in %.1f s%n", format, all.getField(0), all.getField(1), all.getField(2), windows.size(),
            (System.nanoTime() - t0) / 1e9);
    }
}
