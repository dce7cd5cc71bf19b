#!/usr/bin/env bash
# The relay on the peer's own servers, for a like-for-like drain rate beside Kafka Connect.
# Usage: pipeline-lab/peer/relay-on-peer.sh N      (PEER: the peer's scripts, default ../shared/peer)
#
# Uses the PostgreSQL (fsync on) and the Kafka broker that the peer's start-pg.sh and start-kafka.sh
# start, and the peer's workload shape: one business row and one outbox row of ~300 bytes per
# transaction, written by pgbench while the relay is stopped. Then the relay starts and the clock runs
# from its first relayed event to its N-th (start-up excluded, as the peer's "relay:" line). Prints the
# drain rate, the relay's CPU per event and its peak RSS. Run it right after the peer's backlog run:
#   MODE=backlog VALUE_SCHEMAS=false SINK=0 ../shared/peer/peer-connect.sh 200000
#   pipeline-lab/peer/relay-on-peer.sh 200000
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEER=$(cd "${PEER:-$ROOT/../shared/peer}" && pwd)
HERE=$PEER; . "$PEER/env.sh"
N=${1:?usage: relay-on-peer.sh N}
DB=relay_bench; SLOT=relay_bench; HTTP_PORT=${RELAY_BENCH_HTTP_PORT:-58181}
CLIENTS=${CLIENTS:-4}; THREADS=${THREADS:-2}

"$PEER/start-pg.sh" >/dev/null; "$PEER/start-kafka.sh" >/dev/null
psql_src -d postgres -tAc "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name='$SLOT'" >/dev/null
PGOPTIONS="-c client_min_messages=warning" psql_src -d postgres -c "drop database if exists $DB" -c "create database $DB" >/dev/null
topics() { kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" "$@"; }
topics --delete --if-exists --topic "$TOPIC" >/dev/null 2>&1 || true
topics --delete --if-exists --topic "outbox.relay.offsets.$SLOT" >/dev/null 2>&1 || true

export SOURCE_DB_URL="jdbc:postgresql://127.0.0.1:$SRC_PORT/$DB" SOURCE_DB_USER=postgres SOURCE_DB_PASSWORD=postgres
export KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP RELAY_SLOT_NAME=$SLOT RELAY_HTTP_PORT=$HTTP_PORT EVENT_TOPIC_PARTITIONS=$PARTITIONS
"$ROOT/pipeline" migrate --target source >/dev/null
psql_src -d "$DB" -c "create table bench_customer (id bigint primary key, name text, email text, version bigint, updated_at timestamptz)" >/dev/null

relayed() { curl -sf "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null | awk '/^relay_events_relayed_total/{print int($2)}' | head -1; }
start_relay() {
  "$ROOT/pipeline" relay >>"$LOGS/relay-on-peer.log" 2>&1 &
  RPID=$!
  until curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null; do
    kill -0 $RPID 2>/dev/null || { echo "the relay exited, see $LOGS/relay-on-peer.log" >&2; exit 1; }
    sleep 0.2
  done
}
stop_relay() { kill $RPID; wait $RPID 2>/dev/null || true; }
: >"$LOGS/relay-on-peer.log"
start_relay   # creates the slot and the topics, then stops: the backlog waits in the slot
stop_relay
trap 'kill $RPID 2>/dev/null || true' EXIT

cat >"$RUN/relay-workload.sql" <<'SQL'
\set id random(1, :keys)
BEGIN;
INSERT INTO bench_customer AS c (id, name, email, version, updated_at)
  VALUES (:id, 'customer ' || :id, 'customer' || :id || '@example.com', 1, now())
  ON CONFLICT (id) DO UPDATE SET version = c.version + 1, updated_at = excluded.updated_at;
INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, aggregate_version)
  SELECT gen_random_uuid(), 'customer', c.id::text, 'CustomerUpdated', to_jsonb(c), c.version FROM bench_customer c WHERE c.id = :id;
COMMIT;
SQL
"$PGBIN/pgbench" -h 127.0.0.1 -p "$SRC_PORT" -U postgres -n -D keys="$KEYS" -f "$RUN/relay-workload.sql" \
  -c "$CLIENTS" -j "$THREADS" -t $(( N / CLIENTS )) "$DB" >"$LOGS/pgbench-relay.log" 2>&1

start_relay
until [ "$(relayed || echo 0)" -gt 0 ]; do sleep 0.05; done
t0=$(now); cpu0=$(proc_cpu $RPID)
until [ "$(relayed || echo 0)" -ge "$N" ]; do kill -0 $RPID || exit 1; sleep 0.1; done
t1=$(now); cpu1=$(proc_cpu $RPID); hwm=$(proc_hwm $RPID)
records=$(kcat -b "$BOOTSTRAP" -C -t "$TOPIC" -o beginning -e -q -X isolation.level=read_committed -f '%k\n' | wc -l)
stop_relay
psql_src -d postgres -tAc "select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name='$SLOT'" >/dev/null
cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{printf "%.1f", b-a}')
echo "== relay backlog N=$N c=$CLIENTS partitions=$PARTITIONS ($(date -u +%FT%TZ)) heap: ${PIPELINE_JAVA_OPTS:-launcher default}"
echo "relay:     $(rate "$N" "$(elapsed "$t0" "$t1")") events/s  (backlog drain: first event -> N events committed: $(elapsed "$t0" "$t1") s; read_committed records $records)"
echo "relay:     $cpu CPU s during the drain ($(awk -v c="$cpu" -v n="$N" 'BEGIN{printf "%.3f", c*1000/n}') ms per event), peak RSS $hwm MiB"
