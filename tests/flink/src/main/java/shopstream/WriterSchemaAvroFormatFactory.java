// SPDX-License-Identifier: Apache-2.0
// WriterSchemaAvroFormatFactory - Flink's avro file format ('format' = 'avro':
// flink-avro's AbstractAvroBulkFormat reading the container files block by
// block, and its AvroToRowDataConverters) with one difference: the Avro
// reader schema is the writer's, given as the option
// 'avro-writer-schema.schema', projected on the columns the query reads,
// instead of one derived from the table's DDL.
//
// Why: Flink derives an Avro type from each SQL type, and SQL has no enum
// type, so a column that the files hold as an Avro enum (orders' channel,
// payment_method and status; schemas/*.avsc) is asked for as "string", and
// Avro's schema resolution has no enum-to-string rule: 'format' = 'avro'
// fails on our files with
//   org.apache.avro.AvroTypeException: Found shopstream.OrderStatus, expecting string
// (the same cause as FLINK-24544, there for the avro-confluent format). Read
// with the writer's own types, an enum comes out as a GenericEnumSymbol and
// the converter makes its symbol a STRING, as a DDL would say.
//
// Used by FlinkFiles (tests/integration/flink_files.py); registered through
// META-INF/services/org.apache.flink.table.factories.Factory.
package shopstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.table.factories.BulkReaderFormatFactory;
import org.apache.flink.connector.file.table.format.BulkDecodingFormat;
import org.apache.flink.formats.avro.AbstractAvroBulkFormat;
import org.apache.flink.formats.avro.AvroToRowDataConverters;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.Projection;
import org.apache.flink.table.connector.format.ProjectableDecodingFormat;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableFactory;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.RowType;

public final class WriterSchemaAvroFormatFactory implements BulkReaderFormatFactory {
    public static final ConfigOption<String> SCHEMA = ConfigOptions.key("schema").stringType().noDefaultValue()
        .withDescription("The Avro schema the files were written with (JSON).");

    @Override
    public String factoryIdentifier() {
        return "avro-writer-schema";
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(SCHEMA);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of();
    }

    @Override
    public BulkDecodingFormat<RowData> createDecodingFormat(DynamicTableFactory.Context context,
                                                          ReadableConfig options) {
        String writer = options.get(SCHEMA);
        return new Decoding(writer);
    }

    private static final class Decoding implements BulkDecodingFormat<RowData>,
            ProjectableDecodingFormat<BulkFormat<RowData, FileSourceSplit>> {
        private final String writer;

        Decoding(String writer) {
            this.writer = writer;
        }

        @Override
        public BulkFormat<RowData, FileSourceSplit> createRuntimeDecoder(DynamicTableSource.Context context,
                                                                        DataType physical, int[][] projections) {
            DataType produced = Projection.of(projections).project(physical);
            RowType rowType = (RowType) produced.getLogicalType().copy(false);
            return new Format(reader(new Schema.Parser().parse(writer), rowType), rowType,
                context.createTypeInformation(produced));
        }

        @Override
        public ChangelogMode getChangelogMode() {
            return ChangelogMode.insertOnly();
        }
    }

    /** The writer's record with only the columns read, in the row's order, each of the writer's type. */
    static Schema reader(Schema writer, RowType rowType) {
        List<Schema.Field> fields = new ArrayList<>();
        for (String name : rowType.getFieldNames()) {
            Schema.Field f = writer.getField(name);
            if (f == null)
                throw new IllegalArgumentException("column " + name + " is not a field of " + writer.getFullName());
            fields.add(new Schema.Field(f, f.schema()));
        }
        return Schema.createRecord(writer.getName(), writer.getDoc(), writer.getNamespace(), false, fields);
    }

    private static final class Format extends AbstractAvroBulkFormat<GenericRecord, RowData, FileSourceSplit> {
        private static final long serialVersionUID = 1L;
        private final RowType rowType;
        private final TypeInformation<RowData> producedType;

        Format(Schema reader, RowType rowType, TypeInformation<RowData> producedType) {
            super(reader);
            this.rowType = rowType;
            this.producedType = producedType;
        }

        @Override
        protected GenericRecord createReusedAvroRecord() {
            return new GenericData.Record(readerSchema);
        }

        @Override
        protected Function<GenericRecord, RowData> createConverter() {
            // timestamp-millis as TIMESTAMP_LTZ (not the legacy mapping, which reads it as TIMESTAMP).
            AvroToRowDataConverters.AvroToRowDataConverter converter =
                AvroToRowDataConverters.createRowConverter(rowType, false);
            return record -> record == null ? null : (RowData) converter.convert(record);
        }

        @Override
        public TypeInformation<RowData> getProducedType() {
            return producedType;
        }
    }
}
