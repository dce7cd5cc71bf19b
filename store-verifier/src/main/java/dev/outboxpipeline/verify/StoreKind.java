package dev.outboxpipeline.verify;

/** What a store is: the source's business tables, or a sink holding the read model. */
public enum StoreKind {
    SOURCE,
    SINK
}
