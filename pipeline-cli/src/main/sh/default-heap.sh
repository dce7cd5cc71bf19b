# The default JVM heap of each command, sourced by ./pipeline and by the image's entrypoint (entrypoint.sh).
# Containers run with small, fixed heaps: a service that holds more than it should fails early and says
# so (OutOfMemoryError) rather than growing until the kernel kills it. PIPELINE_JAVA_OPTS, when set,
# replaces this default entirely.
#
# default_heap COMMAND [SUBCOMMAND]: prints the JVM options, or nothing where the JVM's own default stays.
default_heap() {
  case "${1:-}" in
    # Debezium's queue (RELAY_MAX_QUEUE_MB) and the producer's buffer (32 MiB) hold what is in flight; reset: one offset
    relay) [ "${2:-}" = reset ] && echo -Xmx128m || echo -Xmx256m ;;
    # the Streams caches and input buffers, both sink writers' fetches; RocksDB lives outside the heap
    projector) echo -Xmx512m ;;
    # requests in flight (HTTP threads times the request size bound) and the connection pool; purge is one statement
    writer) [ "${2:-}" = purge ] && echo -Xmx128m || echo -Xmx256m ;;
    # a few statements or HTTP calls
    migrate | status) echo -Xmx128m ;;
    # rows streamed through bounded fetches (verify), a consumer's bounded fetches and one batch (bootstrap)
    verify | verify-analytics | bootstrap) echo -Xmx256m ;;
    # --reconcile holds each live aggregate of a topic (about 150 bytes each: some 3 million in 512 MiB)
    snapshot) echo -Xmx512m ;;
    # demo, bench and chaos run brokers and databases in this JVM or in child JVMs of their own sizes: the
    # JVM's default (a quarter of the memory) stays; so it does for --help and unknown commands
    *) ;;
  esac
}
