#!/usr/bin/env bash
# The change-stream benchmark of camel-replicator (issue 15 point 6): one table of N rows shaped like
# bench/run.sh's (bigint key, int, timestamp, numeric(12,2), varchar, text with 10% NULLs, boolean,
# char(36)) plus an indexed `updated_at timestamp` (UTC) that every change sets, from a PostgreSQL 15 or a MariaDB
# source into PostgreSQL 15, kept in step by each method in turn on the same workload (one statement per transaction:
# 90% updates of a random row, 5% inserts, 5% deletes; pgbench on PostgreSQL, bench/mariadb-workload.py on MariaDB):
#   stream  `load --stream`, stopped with `stream --stop`; then `stream` as the consumer
#   sync    `load`; then `serve` running `sync` on a 1 s timer (deletes=reconcile) as the consumer
# For each: apply throughput (a backlog of C changes made while the consumer is stopped, then the time
# from the consumer's start until the target equals the source: changes/s, the JVM's start included);
# end-to-end lag under a workload of a fixed rate (pgbench -R) at each rate (now minus the newest updated_at on the
# target, sampled every second: median, p95, max); peak RSS of the consumer; every catch-up checked by a content hash.
#
#   bench/stream.sh                                      1,000,000 rows, 200,000 changes, 500 and 2000 tps for 60 s
#   bench/stream.sh --rows=200000 --changes=20000 --rates=500 --seconds=20   a quick one
#   bench/stream.sh --methods=stream                     only these methods (stream, sync)
#   bench/stream.sh --methods=sync --sync-overlap=5      sync re-reading 5 s instead of the default 300 s (late commits)
#   bench/stream.sh --sources=pg,mariadb                 these sources (pg, the default; mariadb)
#
# Installs what it needs as Debian packages (postgresql-15, postgresql-client-15, time; for mariadb mariadb-server and
# mariadb-client) and runs its own servers as separate processes: PostgreSQL 15 (wal_level=logical) under
# $BENCH_DIR/pg-stream and MariaDB (binlog on, ROW format) under $BENCH_DIR/mariadb-stream (BENCH_DIR default
# /tmp/camel-replicator-bench, shared with bench/run.sh, whose servers live in $BENCH_DIR/pg and $BENCH_DIR/mariadb; ports
# are free ones unless BENCH_PG_PORT, BENCH_MARIADB_PORT say; 2.3 GB after a 1M-row PostgreSQL run, WAL included), stopped
# at the end, as are the consumers, also on failure. The target is a database of the PostgreSQL server; a MariaDB
# source's rows are compared by copying them into one there. Uses this checkout's target/camel-replicator.jar (built
# when missing). Must run as root. Results in $BENCH_DIR/stream-results.tsv and $BENCH_DIR/stream-report.md, logs in
# $BENCH_DIR/stream-*. The figures measured so far, and how to read them: README.md, "The stream benchmark" (the latest,
# `--sources=pg,mariadb` on the shared 2-core machine: the stream's lag 0.7-1.5 s at the median from either source, sync's
# 9-17 s; sync still applies a backlog faster).
set -Eeuo pipefail
trap 'echo "bench/stream.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

ROWS=1000000
CHANGES=200000
RATES=500,2000
DURATION=60
METHODS=stream,sync
SOURCES=pg
SYNC_OVERLAP=""
for arg in "$@"; do
  case "$arg" in
    --rows=*) ROWS="${arg#*=}" ;;
    --changes=*) CHANGES="${arg#*=}" ;;
    --rates=*) RATES="${arg#*=}" ;;
    --seconds=*) DURATION="${arg#*=}" ;;
    --methods=*) METHODS="${arg#*=}" ;;
    --sources=*) SOURCES="${arg#*=}" ;;
    --sync-overlap=*) SYNC_OVERLAP="${arg#*=}" ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done
for s in ${SOURCES//,/ }; do
  [[ $s == pg || $s == mariadb ]] || { echo "unknown source $s (pg, mariadb)" >&2; exit 2; }
done
for m in ${METHODS//,/ }; do
  [[ $m == stream || $m == sync ]] || { echo "unknown method $m (stream, sync)" >&2; exit 2; }
done

PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/camel-replicator-bench}"
PG_BIN=/usr/lib/postgresql/15/bin
source "$(dirname "$0")/lib.sh"
PG_DATA="$BENCH_DIR/pg-stream"
PG_LOGICAL=1
PG_PORT="${BENCH_PG_PORT:-$(free_port)}"
MY_DATA="$BENCH_DIR/mariadb-stream"
MY_BINLOG=1
MY_PORT="${BENCH_MARIADB_PORT:-$(free_port)}"
RESULTS="$BENCH_DIR/stream-results.tsv"
REPORT="$BENCH_DIR/stream-report.md"
JAR="$PROJECT/target/camel-replicator.jar"
# how long a consumer may take to catch up before the method is marked not exact
CATCH_UP_LIMIT="${BENCH_CATCH_UP_LIMIT:-900}"

want_method() { [[ ",$METHODS," == *",$1,"* ]]; }
want_source() { [[ ",$SOURCES," == *",$1,"* ]]; }

# ---- tools

install_tools() {
  local packages=(postgresql-15 postgresql-client-15 time)
  want_source mariadb && packages+=(mariadb-server mariadb-client)
  install_packages "${packages[@]}"
  build_jar "$JAR" "$PROJECT"
}

# ---- servers (lib.sh) and consumers

# the consumer of the method being measured: a java -jar in its own session (its id is CONSUMER), under
# /usr/bin/time -v, with the summed RSS of its session sampled every 0.2 s into $out.rss (KB)
CONSUMER=""
start_consumer() {
  local out="$1" cmd="$2"
  log "Consumer: $cmd"
  start_measured "$out" "cd '$BENCH_DIR' && exec $cmd"
  CONSUMER=$MEASURED
}

# waits for the consumer to end by itself (after stream --stop), or sends it SIGTERM first (serve): to the launcher's
# JVM only, which passes it on to the worker's (a second SIGTERM to the worker would make it exit at once)
stop_consumer() {
  local how="$1"
  [[ -n $CONSUMER ]] || return 0
  if [[ $how == term ]]; then
    local launcher; launcher="$(ps -o pid=,ppid=,comm= --sid "$CONSUMER" | awk -v p="$CONSUMER" '$2 == p && $3 == "java" {print $1}')"
    [[ -z $launcher ]] || kill -TERM "$launcher" 2>/dev/null || true
  fi
  CONSUMER=""
  wait_measured
}

# waits until the consumer's log has a line matching $2 (the consumer still running), at most $3 seconds
wait_for_line() {
  local out="$1" pattern="$2" limit="$3" start; start="$(now)"
  until grep -q "$pattern" "$out.log"; do
    kill -0 "$CONSUMER" 2>/dev/null || { tail -30 "$out.log" >&2; echo "the consumer ended before: $pattern" >&2; return 1; }
    (( $(awk -v a="$start" -v b="$(now)" -v l="$limit" 'BEGIN { print (b - a > l) }') )) && { echo "no '$pattern' in $out.log after $limit s" >&2; return 1; }
    sleep 0.5
  done
}

BACKGROUND=()
cleanup() {
  local pid
  for pid in "${BACKGROUND[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -n $CONSUMER ]] && kill -0 "$CONSUMER" 2>/dev/null; then
    log "Stopping the consumer (session $CONSUMER)"
    kill -TERM -- "-$CONSUMER" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$CONSUMER" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$CONSUMER" 2>/dev/null || true
  fi
  stop_postgres
  want_source mariadb && stop_mariadb
  return 0
}

# ---- data and workload

# bench/run.sh's table, plus the watermark every change sets (indexed: sync's probe and read use it). A timestamp
# in UTC rather than a timestamptz: a load or sync with a timestamptz watermark fails on a PostgreSQL source ("Cannot
# convert the column of type TIMESTAMPTZ to requested type java.time.LocalDateTime", Watermarks.probe reads it with
# ValueReaders.TIMESTAMP), which would leave sync out of the comparison.
SOURCE_DDL="CREATE TABLE t (id bigint PRIMARY KEY, n integer, ts timestamp, amount numeric(12,2), name varchar(64),
  note text, flag boolean, uid char(36), updated_at timestamp NOT NULL)"

# bench/run.sh's content hash, with updated_at
HASH_SQL="SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', id::bigint, n::bigint,
  ts::timestamp, amount::numeric(12,2), name::text, coalesce(note::text, '<null>'), flag::boolean,
  rtrim(uid::text), updated_at::timestamp), 0)::numeric), 0) FROM t"
# cheap, and equal whenever the hash is (the catch-up is polled with it, then confirmed by the hash)
CHEAP_SQL="SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM t"

# the rows once, in PostgreSQL database stream_base (and for a MariaDB source, MariaDB database stream_base); each method
# starts from a copy of it
create_base() {
  log "Generating $(printf "%'d" "$ROWS") rows in PostgreSQL database stream_base"
  psql_on postgres -c "DROP DATABASE IF EXISTS stream_base" -c "CREATE DATABASE stream_base"
  psql_on stream_base -c "$SOURCE_DDL" -c "INSERT INTO t
    SELECT g, ((g * 7919) % 1000003)::int, timestamp '2015-01-01' + g * interval '37 seconds' + (g % 1000) * interval '1 microsecond',
           ((g * 104729) % 10000000) / 100.0, 'customer ' || g || ' é',
           CASE WHEN g % 10 = 0 THEN NULL ELSE repeat(md5(g::text), 1 + (g % 3)::int) END,
           g % 3 = 0, md5((g * 31)::text)::uuid::text, timestamp '2020-01-01' + g * interval '1 second'
    FROM generate_series(1::bigint, $ROWS) g" \
    -c "CREATE INDEX t_updated_at ON t (updated_at)" \
    -c "CREATE SEQUENCE t_new_id START $(( ROWS + 1 ))" -c "VACUUM ANALYZE t"
  # the workload: one statement per transaction, 90% updates of a random row, 5% inserts, 5% deletes
  # (an update or delete that draws a row deleted earlier changes nothing: a few percent of them)
  cat > "$BENCH_DIR/stream-update.sql" <<'EOF'
\set id random(1, :rows)
UPDATE t SET n = n + 1, amount = amount + 0.01, note = md5(random()::text), updated_at = now() AT TIME ZONE 'UTC' WHERE id = :id;
EOF
  cat > "$BENCH_DIR/stream-insert.sql" <<'EOF'
INSERT INTO t VALUES (nextval('t_new_id'), 1, localtimestamp, 1.00, 'new row', md5(random()::text), true, gen_random_uuid()::text, now() AT TIME ZONE 'UTC');
EOF
  cat > "$BENCH_DIR/stream-delete.sql" <<'EOF'
\set id random(1, :rows)
DELETE FROM t WHERE id = :id;
EOF
  if want_source mariadb; then
    log "Copying them into MariaDB database stream_base"
    # the same table in MariaDB's types (as bench/run.sh's); new rows' ids come from the workload, not a sequence, which
    # the load would take for a table. Nothing of it in the binlog: no stream reads it.
    mariadb_root -e "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS stream_base; CREATE DATABASE stream_base;
      CREATE TABLE stream_base.t (id BIGINT PRIMARY KEY, n INT, ts DATETIME(6), amount DECIMAL(12,2), name VARCHAR(64), note TEXT,
        flag BOOLEAN, uid CHAR(36), updated_at DATETIME(6) NOT NULL, KEY t_updated_at (updated_at)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    mariadb_load_from_pg stream_base "SELECT id, n, ts, amount, name, note, flag::int, uid, updated_at FROM t ORDER BY id" stream_base
  fi
}

fresh_source() {
  if [[ $1 == pg ]]; then
    psql_on postgres -c "DROP DATABASE IF EXISTS src" -c "CREATE DATABASE src TEMPLATE stream_base" >/dev/null
  else
    mariadb_root -e "SET SESSION sql_log_bin = 0; DROP DATABASE IF EXISTS src; CREATE DATABASE src; CREATE TABLE src.t LIKE stream_base.t;
      INSERT INTO src.t SELECT * FROM stream_base.t; ANALYZE TABLE src.t" >/dev/null
  fi
}

# the source's settings for the replicator
source_settings() {
  if [[ $1 == pg ]]; then
    echo "--source.url='$(jdbc_pg src)' --source.username=postgres"
  else
    echo "--source.url='jdbc:mariadb://127.0.0.1:$MY_PORT/src' --source.username=bench --source.password=bench"
  fi
}

# workload SOURCE OUT CLIENTS [RATE]: the workload on src through CLIENTS sessions, CHANGES transactions as fast as they go,
# or RATE per second for DURATION s; the output (pgbench's, or the same summary lines from bench/mariadb-workload.py) in
# OUT. The commits do not wait for the disk (PostgreSQL: synchronous_commit=off; MariaDB: the server's
# innodb-flush-log-at-trx-commit=2; what the change log holds is the same): with a flush per commit this shared
# machine's disk held 2 pgbench clients to about 500 transactions/s, below the rates to measure.
workload() {
  local source="$1" out="$2" clients="$3" rate="${4:-}" how=()
  if [[ $source == pg ]]; then
    how=(-c "$clients" -j "$(( clients < 2 ? clients : 2 ))")
    if [[ -n $rate ]]; then how+=(-R "$rate" -T "$DURATION"); else how+=(-t "$(( CHANGES / clients ))"); fi
    PGOPTIONS="-c synchronous_commit=off" "$PG_BIN/pgbench" -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -D rows="$ROWS" --random-seed=15 \
      -f "$BENCH_DIR/stream-update.sql@90" -f "$BENCH_DIR/stream-insert.sql@5" -f "$BENCH_DIR/stream-delete.sql@5" \
      "${how[@]}" src > "$out" 2>&1 || { tail -20 "$out" >&2; return 1; }
  else
    how=(--clients="$clients")
    if [[ -n $rate ]]; then how+=(--rate="$rate" --seconds="$DURATION"); else how+=(--transactions="$CHANGES"); fi
    python3 "$PROJECT/bench/mariadb-workload.py" --socket="$(mariadb_socket)" --database=src --rows="$ROWS" --seed=15 \
      "${how[@]}" > "$out" 2>&1 || { tail -20 "$out" >&2; return 1; }
  fi
}

# the source's content hash and cheap check. MariaDB has no hashtextextended: its rows are copied into PostgreSQL
# database src_copy (the source's table without its key) and hashed there, after the workload, outside the times measured.
source_state() {
  local db=src
  if [[ $1 == mariadb ]]; then
    db=src_copy
    fresh_db "$db"
    psql_on "$db" -c "${SOURCE_DDL/ PRIMARY KEY/}"
    mariadb_root --default-character-set=utf8mb4 --quick -N -B --raw src -e "SELECT id, n, ts, amount, name, note, flag, uid, updated_at FROM t" \
      | psql_on "$db" -c "COPY t FROM STDIN (NULL 'NULL')"
  fi
  SOURCE_HASH="$(psql_on "$db" -At -c "$HASH_SQL")"
  SOURCE_CHEAP="$(psql_on "$db" -At -c "$CHEAP_SQL")"
}

# wait_equal DB START: polls DB until it equals the source (cheap check, confirmed by the hash); prints the seconds
# from START to the cheap check that the hash confirmed, or returns 1 after CATCH_UP_LIMIT seconds or when the
# consumer ended
wait_equal() {
  local db="$1" start="$2" cheap at
  while :; do
    cheap="$(psql_on "$db" -At -c "$CHEAP_SQL" 2>/dev/null || true)"
    at="$(now)"
    if [[ $cheap == "$SOURCE_CHEAP" && "$(psql_on "$db" -At -c "$HASH_SQL")" == "$SOURCE_HASH" ]]; then
      awk -v a="$start" -v b="$at" 'BEGIN { printf "%.1f", b - a }'
      return 0
    fi
    kill -0 "$CONSUMER" 2>/dev/null || { echo "the consumer ended before the target equalled the source" >&2; return 1; }
    (( $(awk -v a="$start" -v b="$at" -v l="$CATCH_UP_LIMIT" 'BEGIN { print (b - a > l) }') )) && {
      echo "$db still differs from src after $CATCH_UP_LIMIT s: $cheap against $SOURCE_CHEAP" >&2; return 1; }
    sleep 0.25
  done
}

# ---- measuring

# apply_backlog SOURCE METHOD DB OUT CONSUMER_CMD: with no consumer running, C changes on the source; then the consumer
# starts and the time until the target equals the source is the backlog's
apply_backlog() {
  local source="$1" method="$2" db="$3" out="$4" cmd="$5"
  log "$source $method: a backlog of $(printf "%'d" "$CHANGES") changes while no consumer runs"
  workload "$source" "$out-backlog.workload" 2
  source_state "$source"
  if [[ $source == pg && $method == stream ]]; then
    log "stream: the slot is $(psql_on src -At -c "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn))
      FROM pg_replication_slots WHERE database = 'src'") of WAL behind (the backlog's, and what the server wrote since the slot confirmed)"
  fi
  local start; start="$(now)"
  start_consumer "$out" "$cmd"
  BACKLOG_S="$(wait_equal "$db" "$start")" || BACKLOG_S=""
  if [[ -n $BACKLOG_S ]]; then
    log "$method: backlog applied in $BACKLOG_S s"
  else
    EXACT=no
  fi
}

# lag_phase SOURCE METHOD DB OUT RATE: the workload at RATE for DURATION s while the consumer runs, the target's lag
# sampled every second as now minus its newest updated_at (or minus the workload's start, while it has nothing newer: a
# change cannot lag before it is made); then the catch-up, checked by the hash. Sets LAG[RATE].
lag_phase() {
  local source="$1" method="$2" db="$3" out="$4" rate="$5"
  log "$source $method: $rate changes/s for $DURATION s"
  local t0 samples="$out-lag-$rate.txt"
  t0="$(psql_on postgres -At -c "SELECT now() AT TIME ZONE 'UTC'")"
  : > "$samples"
  ( while :; do
      local at; at="$(now)"
      psql_on "$db" -At -c "SELECT extract(epoch FROM clock_timestamp() AT TIME ZONE 'UTC' - greatest(max(updated_at), '$t0'::timestamp)) FROM t" \
        >> "$samples" 2>/dev/null || true
      sleep "$(awk -v a="$at" -v b="$(now)" 'BEGIN { d = 1 - (b - a); print (d > 0 ? d : 0) }')"
    done ) &
  local sampler=$!
  BACKGROUND+=("$sampler")
  workload "$source" "$out-rate-$rate.workload" 4 "$rate"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  # the workload's own lag behind its schedule: how far the source fell behind the rate asked (its changes carry the
  # time they ran, so this does not count as the consumer's lag)
  local achieved; achieved="$(awk '/^tps = / {tps = $3} /schedule lag/ {behind = $6 / 1000}
    END {printf "%.0f\t%.1f", tps, behind}' "$out-rate-$rate.workload")"
  source_state "$source"
  local settle
  settle="$(wait_equal "$db" "$(now)")" || { settle=""; EXACT=no; }
  local stats
  stats="$(sort -g "$samples" | awk '{ v[NR] = $1 } END {
      if (NR == 0) { print "-\t-\t-\t0"; exit }
      p = int(0.95 * NR + 0.999); if (p > NR) p = NR
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.1f\t%.1f\t%.1f\t%d", med, v[p], v[NR], NR }')"
  LAG["$rate"]="$achieved	$stats	${settle:--}"
  log "$source $method at $rate/s (achieved, workload behind its schedule: ${achieved//	/, }): lag median, p95, max, samples: ${stats//	/, }; equal ${settle:-never} s after the workload"
}

run_method() {
  local source="$1" method="$2" db="dst_$2" out="$BENCH_DIR/stream-$1-$2"
  local common
  common="$(source_settings "$source") --target.url='$(jdbc_pg "$db")' --target.username=postgres --replicator.data-dir='$BENCH_DIR/replicator-stream'"
  EXACT=yes; BACKLOG_S=""; declare -gA LAG=()
  fresh_source "$source"
  fresh_db "$db"
  local consumer load_start load_s
  load_start="$(now)"
  if [[ $method == stream ]]; then
    # load, then stream until stopped: stopped as soon as it streams, so the backlog waits in the slot
    start_consumer "$out-load" "java -jar '$JAR' load --stream $common"
    wait_for_line "$out-load" "Streaming changes of" 1800
    load_s="$(seconds_since "$load_start")"
    (cd "$BENCH_DIR" && eval "java -jar '$JAR' stream --stop $common") > "$out-stop.log" 2>&1
    stop_consumer wait
    consumer="java -jar '$JAR' stream $common"
  else
    start_consumer "$out-load" "java -jar '$JAR' load --replicator.sync.watermark=updated_at $common"
    stop_consumer wait
    load_s="$(seconds_since "$load_start")"
    # serve's timer runs a sync every second; a tick that finds a sync running is skipped, so syncs follow each
    # other with at most a second between them. Deletes reach the target only through reconcile.
    # Each sync reads again the rows of the last replicator.sync.overlap-seconds (default 300), which --sync-overlap changes.
    consumer="java -jar '$JAR' serve --replicator.serve.command=sync --replicator.serve.every=1000 --replicator.sync.watermark=updated_at --replicator.sync.deletes=reconcile ${SYNC_OVERLAP:+--replicator.sync.overlap-seconds=$SYNC_OVERLAP} --replicator.http.port=0 $common"
  fi
  log "$source $method: initial load (and the JVM's start) took $load_s s"
  apply_backlog "$source" "$method" "$db" "$out" "$consumer"
  if [[ -n $BACKLOG_S ]]; then
    local rate
    for rate in ${RATES//,/ }; do lag_phase "$source" "$method" "$db" "$out" "$rate"; done
  fi
  if [[ $method == stream ]]; then
    (cd "$BENCH_DIR" && eval "java -jar '$JAR' stream --stop $common") > "$out-stop.log" 2>&1
    stop_consumer wait || echo "stream exited with $?" >&2
    (cd "$BENCH_DIR" && eval "java -jar '$JAR' stream --drop-slot $common") > "$out-drop.log" 2>&1
  else
    stop_consumer term || echo "serve exited with $?" >&2
  fi
  # the final state, once more, after the consumer stopped
  [[ "$(psql_on "$db" -At -c "$HASH_SQL")" == "$SOURCE_HASH" ]] || EXACT=no
  local largest all
  largest="$(largest_rss_mb "$out")"
  all="$(all_rss_mb "$out")"
  local changes_s="-"
  [[ -n $BACKLOG_S ]] && changes_s="$(awk -v c="$CHANGES" -v s="$BACKLOG_S" 'BEGIN { printf "%.0f", c / s }')"
  local label="$method"
  [[ $method == sync && -n $SYNC_OVERLAP ]] && label="sync (overlap $SYNC_OVERLAP s)"
  for rate in ${RATES//,/ }; do
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$source" "$label" "$load_s" "$CHANGES" "${BACKLOG_S:--}" "$changes_s" \
      "$rate" "${LAG[$rate]:--	-	-	-	-	-	-}" "$largest	$all" "$EXACT" >> "$RESULTS"
  done
  psql_on postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS src" -c "DROP DATABASE IF EXISTS src_copy" >/dev/null
}

report() {
  echo
  local sources="pg: PostgreSQL 15, the target's server"
  want_source mariadb && sources+="; mariadb: MariaDB $MARIADB_VERSION, a server of its own (binlog ROW)"
  echo "Change stream benchmark: $(printf "%'d" "$ROWS") rows into PostgreSQL 15 ($sources), $(nproc) cores,"
  echo "commit $(git -C "$PROJECT" rev-parse --short HEAD)$(git -C "$PROJECT" diff --quiet HEAD || echo " + changes"); load average before: $LOAD_BEFORE; after: $(load_average)"
  echo "backlog: $(printf "%'d" "$CHANGES") changes (pg: pgbench, mariadb: bench/mariadb-workload.py; 2 clients, one statement per transaction)"
  echo "  made while the consumer is stopped; changes/s = changes / seconds from the consumer's start (JVM included) until the"
  echo "  target's content hash equals the source's"
  echo "lag: the workload at a fixed rate (pgbench -R; 4 clients) for $DURATION s; now minus the newest updated_at on the target,"
  echo "  sampled every second; behind: the workload's average lag behind its schedule (the source not keeping the rate; not"
  echo "  the consumer's lag)"
  echo "  settle: seconds after the workload until the target equals the source (content hash)"
  echo "peak RSS: the consumer's largest process (/usr/bin/time -v) / its processes together (sampled every 0.2 s)"
  echo
  printf '| source | method | load s | backlog s | changes/s |'
  local rate
  for rate in ${RATES//,/ }; do printf ' lag @%s/s median / p95 / max s (achieved rate, workload behind) | settle s |' "$rate"; done
  printf ' peak RSS MB | exact |\n|---|---|---|---|---|'
  for rate in ${RATES//,/ }; do printf -- '---|---|'; done
  printf -- '---|---|\n'
  awk -F'\t' '
    NR > 1 { key = $1 "\t" $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key; head[key] = sprintf("| %s | %s | %s | %s | %s |", $1, $2, $3, $5, $6);
        tail[key] = sprintf(" %s / %s | %s |", $15, $16, $17) }
      line[key] = line[key] sprintf(" %s / %s / %s (%s/s, behind %s s; %s samples) | %s |", $10, $11, $12, $8, $9, $13, $14) }
    END { for (i = 1; i <= n; i++) print head[order[i]] line[order[i]] tail[order[i]] }' "$RESULTS"
}

main() {
  [[ $(id -u) == 0 ]] || { echo "bench/stream.sh runs as root (apt-get, and the server started as postgres)" >&2; exit 2; }
  install_tools
  mkdir -p "$BENCH_DIR"
  trap cleanup EXIT
  start_postgres
  if want_source mariadb; then
    start_mariadb
    # what a stream's user needs (README, MariaDB sources); the load needs the SELECT too
    mariadb_root -e "GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'bench'@'127.0.0.1'"
    MARIADB_VERSION="$(mariadb_root -N -B -e 'SELECT VERSION()')"
  fi
  # slots a failed earlier run left behind hold WAL and keep their database from being dropped
  psql_on postgres -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active" >/dev/null
  create_base
  printf 'source\tmethod\tload_s\tbacklog_changes\tbacklog_s\tchanges_per_s\trate\tachieved_tps\tworkload_behind_s\tlag_median_s\tlag_p95_s\tlag_max_s\tlag_samples\tsettle_s\tpeak_rss_largest_mb\tpeak_rss_all_mb\texact\n' > "$RESULTS"
  LOAD_BEFORE="$(load_average)"
  local source method
  for source in ${SOURCES//,/ }; do
    for method in ${METHODS//,/ }; do run_method "$source" "$method"; done
  done
  report | tee "$REPORT"
}

main
