// SPDX-License-Identifier: Apache-2.0
// FlinkCheck - Apache Flink SQL over a shopstream run, as a stream job would
// compute it: an embedded MiniCluster (parallelism 2) reads the run's topics
// from Kafka (JSON values, or raw protobuf through Flink's protobuf format and
// the classes protoc makes of schemas/*.proto; bounded at the offsets they end
// at now), with
// event-time watermarks on every fact, and answers four queries:
//
//   orders     tumbling 1 h windows of orders: count, revenue (paid), discounts
//   channel    the window join of orders and order_items: items and units per
//              window and channel
//   temporal   order_items joined FOR SYSTEM_TIME AS OF their event time with
//              the product versions (a versioned view of shop.products): items
//              per window and category, and how many the version does not price
//   delivered  tumbling 1 h windows of shipments delivered
//
// Each result row is printed as one tab-separated line on stdout:
//   query  window_start_ms  key  value...
// (key "-" when the query has none), after the job's changelog is applied,
// so each line is a final figure. tests/integration/flink_expect.py compares
// them with `shopstream expect`.
//
// Usage: FlinkCheck BOOTSTRAP TOPIC_PREFIX [json|protobuf]
package shopstream;

import java.time.ZoneOffset;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

public final class FlinkCheck {
    private static final String[][] QUERIES = {
        { "orders",
          "SELECT window_start, '-', COUNT(*), SUM(CASE WHEN status = 'paid' THEN total_cents ELSE 0 END), "
          + "SUM(discount_cents) FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' HOUR)) "
          + "GROUP BY window_start, window_end" },
        { "channel",
          "SELECT o.window_start, o.channel, COUNT(*), SUM(i.quantity) FROM "
          + "(SELECT * FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '1' HOUR))) o JOIN "
          + "(SELECT * FROM TABLE(TUMBLE(TABLE order_items, DESCRIPTOR(ts), INTERVAL '1' HOUR))) i "
          + "ON o.order_id = i.order_id AND o.window_start = i.window_start AND o.window_end = i.window_end "
          + "GROUP BY o.window_start, o.channel" },
        { "temporal",
          "SELECT i.event_time - MOD(i.event_time, 3600000), p.category, COUNT(*), "
          + "SUM(CASE WHEN p.price_cents = i.unit_price_cents AND p.in_stock THEN 0 ELSE 1 END) "
          + "FROM order_items AS i JOIN product_versions FOR SYSTEM_TIME AS OF i.ts AS p "
          + "ON i.product_id = p.product_id "
          + "GROUP BY i.event_time - MOD(i.event_time, 3600000), p.category" },
        { "delivered",
          "SELECT window_start, '-', COUNT(*) FROM TABLE(TUMBLE(TABLE shipments, DESCRIPTOR(ts), INTERVAL '1' HOUR)) "
          + "WHERE status = 'delivered' GROUP BY window_start, window_end" },
    };

    private static String source(String name, String columns, String time, String bootstrap, String topic,
                                 String format) {
        String options = format.equals("protobuf")
            ? "'format' = 'protobuf', 'protobuf.message-class-name' = 'shopstream.proto." + MESSAGES.get(name) + "'"
            : "'format' = 'json', 'json.fail-on-missing-field' = 'true'";
        return "CREATE TABLE " + name + (format.equals("protobuf") ? "_pb" : "") + " (" + columns
            + ", ts AS TO_TIMESTAMP_LTZ(" + time + ", 3), "
            + "WATERMARK FOR ts AS ts) WITH ('connector' = 'kafka', 'topic' = '" + topic + "', "
            + "'properties.bootstrap.servers' = '" + bootstrap + "', 'properties.group.id' = 'flink-check', "
            + "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', " + options + ")";
    }

    private static final Map<String, String> MESSAGES = Map.of("orders", "Order", "order_items", "OrderItem",
        "shipments", "Shipment", "products", "Product");

    /** protobuf: the view of a source under its JSON name, each enum column
     *  (an enum value's name, e.g. ORDER_STATUS_PAID) as the contract's symbol
     *  (paid): the name less its prefix, in lower case (schemas/*.proto). */
    private static String symbols(String name, String columns, String... enumPrefixes) {
        String select = columns;
        for (int i = 0; i < enumPrefixes.length; i += 2)
            select = select.replace(enumPrefixes[i], "LOWER(SUBSTRING(" + enumPrefixes[i] + " FROM "
                + (enumPrefixes[i + 1].length() + 2) + ")) AS " + enumPrefixes[i]);
        return "CREATE VIEW " + name + " AS SELECT " + select + ", ts FROM " + name + "_pb";
    }

    /** A window start as epoch milliseconds (the session is in UTC). */
    private static long millis(Object v) {
        if (v instanceof LocalDateTime t) return t.toInstant(ZoneOffset.UTC).toEpochMilli();
        if (v instanceof java.time.Instant t) return t.toEpochMilli();
        return ((Number) v).longValue();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && !(args.length == 3 && args[2].matches("json|protobuf"))) {
            System.err.println("usage: FlinkCheck BOOTSTRAP TOPIC_PREFIX [json|protobuf]");
            System.exit(2);
        }
        String bootstrap = args[0], prefix = args[1], format = args.length == 3 ? args[2] : "json";
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("table.local-time-zone", "UTC");
        env.getConfig().set("parallelism.default", "2");
        String orders = "order_id BIGINT, customer_id BIGINT, event_time BIGINT, channel STRING, "
            + "payment_method STRING, status STRING, total_cents BIGINT, discount_cents BIGINT";
        String items = "order_id BIGINT, product_id BIGINT, quantity INT, unit_price_cents BIGINT, "
            + "line_total_cents BIGINT, event_time BIGINT";
        String shipments = "order_id BIGINT, event_time BIGINT, status STRING, carrier STRING";
        String products = "product_id BIGINT, category STRING, price_cents BIGINT, in_stock BOOLEAN, valid_from BIGINT";
        env.executeSql(source("orders", orders, "event_time", bootstrap, prefix + "orders", format));
        env.executeSql(source("order_items", items, "event_time", bootstrap, prefix + "order_items", format));
        env.executeSql(source("shipments", shipments, "event_time", bootstrap, prefix + "shipments", format));
        env.executeSql(source("products", products, "valid_from", bootstrap, prefix + "products", format));
        if (format.equals("protobuf")) {
            String names = " BIGINT| INT| STRING| BOOLEAN";
            env.executeSql(symbols("orders", orders.replaceAll(names, ""), "channel", "CHANNEL", "payment_method",
                "PAYMENT_METHOD", "status", "ORDER_STATUS"));
            env.executeSql(symbols("order_items", items.replaceAll(names, "")));
            env.executeSql(symbols("shipments", shipments.replaceAll(names, ""), "status", "SHIPMENT_STATUS",
                "carrier", "CARRIER"));
            env.executeSql(symbols("products", products.replaceAll(names, ""), "category", "CATEGORY"));
        }
        // The latest version per product as of each time: Flink's versioned
        // view of an append-only changelog (deduplication on event time).
        env.executeSql("CREATE VIEW product_versions AS SELECT product_id, category, price_cents, in_stock, ts FROM "
            + "(SELECT *, ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY ts DESC) AS rn FROM products) "
            + "WHERE rn = 1");
        for (String[] q : QUERIES) {
            long t0 = System.nanoTime();
            Map<String, Row> last = new TreeMap<>();
            TableResult result = env.executeSql(q[1]);
            try (CloseableIterator<Row> it = result.collect()) {
                while (it.hasNext()) {
                    Row r = it.next();
                    String key = millis(r.getField(0)) + "\t" + r.getField(1);
                    if (r.getKind() == RowKind.INSERT || r.getKind() == RowKind.UPDATE_AFTER) last.put(key, r);
                    else last.remove(key);
                }
            }
            for (Map.Entry<String, Row> e : last.entrySet()) {
                Row r = e.getValue();
                List<String> values = new ArrayList<>();
                for (int i = 2; i < r.getArity(); i++) values.add(String.valueOf(r.getField(i)));
                System.out.println(q[0] + "\t" + e.getKey() + "\t" + String.join("\t", values));
            }
            System.err.printf("FlinkCheck: %s: %d rows in %.1f s%n", q[0], last.size(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
