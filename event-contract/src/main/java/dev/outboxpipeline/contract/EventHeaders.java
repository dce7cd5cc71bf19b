package dev.outboxpipeline.contract;

/** Header names of event, read-model and dead-letter records. Every value is a UTF-8 string. */
public final class EventHeaders {

    public static final String ID = "id";
    public static final String TYPE = "type";
    public static final String AGGREGATE_VERSION = "aggregate-version";
    public static final String SOURCE_LSN = "source-lsn";
    public static final String SOURCE_TS_MS = "source-ts-ms";
    /** W3C trace context, when the write carried one. */
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    /** On read-model records: the row's source version (also on tombstones). */
    public static final String VERSION = "version";

    /** On dead letters: why, and where the record came from. */
    public static final String DLQ_REASON = "dlq-reason";
    public static final String DLQ_TOPIC = "dlq-topic";
    public static final String DLQ_PARTITION = "dlq-partition";
    public static final String DLQ_OFFSET = "dlq-offset";
    public static final String DLQ_AGGREGATE_TYPE = "aggregate-type";
    public static final String DLQ_AGGREGATE_ID = "aggregate-id";

    /** CloudEvents 1.0, Kafka protocol binding, binary content mode. */
    public static final String CE_SPECVERSION = "ce_specversion";
    public static final String CE_ID = "ce_id";
    public static final String CE_SOURCE = "ce_source";
    public static final String CE_TYPE = "ce_type";
    public static final String CE_TIME = "ce_time";
    public static final String CE_SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    private EventHeaders() {
    }
}
