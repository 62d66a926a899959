// SPDX-License-Identifier: Apache-2.0
// FlinkChangelog - Apache Flink SQL over a shopstream run's change topics
// (--changelog debezium --changelog-format json, docs/guide/changelog.md), as
// a job over a real Debezium PostgreSQL connector's topics would read them:
// the tables customers, products, orders and order_items declared over
// PREFIX<table> with Flink's 'debezium-json' format (flink-json; JsonConverter
// with schemas.enable=false, so no schema-include; timestamps are Kafka
// Connect's Timestamp, int64 epoch ms, so BIGINT), read from the earliest
// offset to the offsets the topics end at now, in an embedded MiniCluster at
// parallelism 2. One job, one UNION ALL of these materialized views:
//
//   orders_by_status     current orders: COUNT(*), SUM(total_cents) GROUP BY
//                        status (a retracting aggregate: each update moves an
//                        order from its old status to its new one)
//   customers_by_tier    customers GROUP BY loyalty_tier
//   customers_by_region  customers GROUP BY region
//   products_by_stock    products GROUP BY in_stock (in_stock, out_of_stock):
//                        COUNT(*), SUM(price_cents) (each reprice an update)
//   order_items          COUNT(*), SUM(line_total_cents) of current items
//                        (an expired order's items are deleted with it)
//   orders_by_region     the regular join (LEFT) of current orders with their
//                        customer's current row: COUNT(*), SUM(total_cents)
//                        GROUP BY the customer's region (a customer who
//                        moves takes their orders along), "(no customer)"
//                        for orders whose customer's row was deleted (a
//                        closed account)
//   null_columns         rows with NULL in a NOT NULL column of the DDL, per
//                        table (a field the format did not find is NULL)
//
// The job's changelog is applied (as a multiset of rows), so what is printed
// is each view's final rows, one tab-separated line each on stdout:
//   view  key  count  sum
// (key "-" when the view has none; sum 0 when it has none). A group whose
// rows all left it is absent. tests/integration/flink_changelog.py compares
// them with `shopstream expect`'s tables.
//
// Usage: FlinkChangelog BOOTSTRAP TOPIC_PREFIX [--skip-first-order-change]
//   TOPIC_PREFIX: the change topics' names less the table, e.g. "shopdb.public."
//   --skip-first-order-change: a planted fault, for showing that the check
//   fails: orders' partition 0 is read from offset 1, so its first change
//   record (an order's insert) is lost.
package shopstream;

import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;

public final class FlinkChangelog {
    // The DDL of docs/guide/changelog.md, timestamps as BIGINT epoch ms.
    private static final String CUSTOMERS = "id BIGINT, cohort STRING, preferred_channel STRING, region STRING, "
        + "loyalty_tier STRING, signup_at BIGINT";
    private static final String PRODUCTS = "id BIGINT, category STRING, name STRING, price_cents BIGINT, "
        + "in_stock BOOLEAN, updated_at BIGINT";
    private static final String ORDERS = "id BIGINT, customer_id BIGINT, status STRING, channel STRING, "
        + "payment_method STRING, item_count INT, subtotal_cents BIGINT, discount_cents BIGINT, "
        + "total_cents BIGINT, refunded_cents BIGINT, currency STRING, campaign_id BIGINT, created_at BIGINT, "
        + "updated_at BIGINT";
    private static final String ORDER_ITEMS = "id BIGINT, order_id BIGINT, line_number INT, product_id BIGINT, "
        + "quantity INT, unit_price_cents BIGINT, discount_cents BIGINT, line_total_cents BIGINT, created_at BIGINT";
    /** orders_by_region's key for the orders whose customer has no row. */
    private static final String NO_CUSTOMER = "(no customer)";
    private static final String[][] TABLES = {
        { "customers", CUSTOMERS }, { "products", PRODUCTS }, { "orders", ORDERS }, { "order_items", ORDER_ITEMS },
    };

    private static String table(String name, String columns, String bootstrap, String topic, boolean skipFirst) {
        String startup = skipFirst
            ? "'scan.startup.mode' = 'specific-offsets', 'scan.startup.specific-offsets' = 'partition:0,offset:1'"
            : "'scan.startup.mode' = 'earliest-offset'";
        return "CREATE TABLE " + name + " (" + columns + ", PRIMARY KEY (id) NOT ENFORCED) WITH ("
            + "'connector' = 'kafka', 'topic' = '" + topic + "', "
            + "'properties.bootstrap.servers' = '" + bootstrap + "', 'properties.group.id' = 'flink-changelog', "
            + startup + ", 'scan.bounded.mode' = 'latest-offset', "
            + "'format' = 'debezium-json', 'debezium-json.schema-include' = 'false', "
            + "'debezium-json.ignore-parse-errors' = 'false')";
    }

    /** One view's row of the union: (view, key, count, sum), all typed alike. */
    private static String view(String name, String key, String sum, String rest) {
        return "SELECT CAST('" + name + "' AS STRING), CAST(" + key + " AS STRING), COUNT(*), CAST(" + sum
            + " AS BIGINT) " + rest;
    }

    /** The rows of table with NULL in a column the DDL declares NOT NULL
     *  (every column but orders.campaign_id). */
    private static String nulls(String name, String columns) {
        StringBuilder where = new StringBuilder();
        for (String col : columns.split(", ")) {
            String c = col.split(" ")[0];
            if (c.equals("campaign_id")) continue;
            where.append(where.length() == 0 ? "" : " OR ").append(c).append(" IS NULL");
        }
        return view("null_columns", "'" + name + "'", "0", "FROM " + name + " WHERE " + where);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--skip-first-order-change"))) {
            System.err.println("usage: FlinkChangelog BOOTSTRAP TOPIC_PREFIX [--skip-first-order-change]");
            System.exit(2);
        }
        String bootstrap = args[0], prefix = args[1];
        boolean fault = args.length == 3;
        TableEnvironment env = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        env.getConfig().set("table.local-time-zone", "UTC");
        env.getConfig().set("parallelism.default", "2");
        for (String[] t : TABLES)
            env.executeSql(table(t[0], t[1], bootstrap, prefix + t[0], fault && t[0].equals("orders")));
        String[] views = {
            view("orders_by_status", "status", "SUM(total_cents)", "FROM orders GROUP BY status"),
            view("customers_by_tier", "loyalty_tier", "0", "FROM customers GROUP BY loyalty_tier"),
            view("customers_by_region", "region", "0", "FROM customers GROUP BY region"),
            view("products_by_stock", "CASE WHEN in_stock THEN 'in_stock' ELSE 'out_of_stock' END", "SUM(price_cents)",
                 "FROM products GROUP BY in_stock"),
            view("order_items", "'-'", "SUM(line_total_cents)", "FROM order_items"),
            view("orders_by_region", "region", "SUM(total_cents)",
                 "FROM (SELECT COALESCE(c.region, '" + NO_CUSTOMER + "') AS region, o.total_cents FROM orders AS o "
                 + "LEFT JOIN customers AS c ON o.customer_id = c.id) GROUP BY region"),
            nulls("customers", CUSTOMERS), nulls("products", PRODUCTS), nulls("orders", ORDERS),
            nulls("order_items", ORDER_ITEMS),
        };
        long t0 = System.nanoTime();
        // The job's changelog applied as a multiset: +I and +U add their row,
        // -U and -D take theirs away. Not put-the-last-row-per-key: the
        // global aggregate (order_items) runs at parallelism 1 and reaches
        // the union's parallelism 2 through a rebalance, so its -U and +U
        // arrive in no order relative to each other; their sum does not
        // depend on it.
        Map<String, Long> rows = new TreeMap<>();
        long changes = 0;
        try (CloseableIterator<Row> it = env.executeSql(String.join(" UNION ALL ", views)).collect()) {
            while (it.hasNext()) {
                Row r = it.next();
                changes++;
                Object sum = r.getField(3);
                String row = r.getField(0) + "\t" + r.getField(1) + "\t" + r.getField(2) + "\t"
                    + (sum == null ? 0 : sum);
                long add = r.getKind() == RowKind.INSERT || r.getKind() == RowKind.UPDATE_AFTER ? 1 : -1;
                rows.merge(row, add, Long::sum);
            }
        }
        Map<String, Long> perKey = new TreeMap<>();
        boolean consistent = true;
        for (Map.Entry<String, Long> e : rows.entrySet()) {
            if (e.getValue() == 0) continue;
            String[] f = e.getKey().split("\t");
            perKey.merge(f[0] + "\t" + f[1], e.getValue(), Long::sum);
            if (e.getValue() != 1) consistent = false;
            System.out.println(e.getKey());
        }
        for (long n : perKey.values()) consistent &= n == 1;
        System.err.printf("FlinkChangelog: %d result changes, %d final rows in %.1f s%n", changes, perKey.size(),
            (System.nanoTime() - t0) / 1e9);
        if (!consistent) {
            System.err.println("FlinkChangelog: the changelog does not end in one row per view and key: " + rows);
            System.exit(1);
        }
    }
}
