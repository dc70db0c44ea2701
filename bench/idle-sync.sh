#!/usr/bin/env bash
# The idle-sync benchmark (issue 16 point 5): N tables of M rows each (bigint key, int, text, a
# timestamp watermark with its own index) in a PostgreSQL 15 source, loaded once into a PostgreSQL
# target; then `sync` with nothing changed, timed with the jar of an earlier commit (the probe
# MAX(updated_at), COUNT(*)) and with this checkout's jar (MAX(updated_at) alone), interleaved.
# Prints each run's wall time (the whole `java -jar` process) and the sync run's own duration (from
# its summary, without the JVM's start), and checks every sync found every table unchanged; then the
# two probe queries alone through psql, which the machine's load disturbs least.
#
#   bench/idle-sync.sh                          100 tables x 1,000,000 rows, before = 8cb107c
#   bench/idle-sync.sh --tables=100 --rows=100000 --runs=3 --before=8cb107c
#
# Gets its server as bench/run.sh does (bench/lib.sh): Debian's postgresql-15 (installed when missing), run
# as its own process under $BENCH_DIR (default /tmp/camel-replicator-idle-sync; about 9 GB per 100M
# rows for source and target), stopped at the end. Must run as root. The source is kept between runs
# of the script when its size matches (a marker file), so a second run only times the syncs.
set -Eeuo pipefail
trap 'echo "bench/idle-sync.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

TABLES=100
ROWS=1000000
RUNS=3
BEFORE=8cb107c
for arg in "$@"; do
  case "$arg" in
    --tables=*) TABLES="${arg#*=}" ;;
    --rows=*) ROWS="${arg#*=}" ;;
    --runs=*) RUNS="${arg#*=}" ;;
    --before=*) BEFORE="${arg#*=}" ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/camel-replicator-idle-sync}"
PG_BIN=/usr/lib/postgresql/15/bin
source "$(dirname "$0")/lib.sh"
PG_PORT="${BENCH_PG_PORT:-$(free_port)}"
AFTER_JAR="$PROJECT/target/camel-replicator.jar"
BEFORE_JAR="$BENCH_DIR/before-$BEFORE/target/camel-replicator.jar"

# this checkout's jar, and the jar of commit $BEFORE built from `git archive` (no worktree is touched)
build_jars() {
  log "Building $AFTER_JAR"
  (cd "$PROJECT" && mvn -B -o -q -DskipTests package)
  if [[ ! -f $BEFORE_JAR ]]; then
    log "Building the jar of commit $BEFORE in $BENCH_DIR/before-$BEFORE"
    rm -rf "$BENCH_DIR/before-$BEFORE" && mkdir -p "$BENCH_DIR/before-$BEFORE"
    git -C "$PROJECT" archive "$BEFORE" | tar -x -C "$BENCH_DIR/before-$BEFORE"
    (cd "$BENCH_DIR/before-$BEFORE" && mvn -B -o -q -DskipTests package)
  fi
}

# N tables t001.. of M rows; updated_at a day apart per table and a second apart per row, all in the
# past, so the load's watermark is the maximum and the first sync already finds every table unchanged
create_source() {
  local marker="$BENCH_DIR/source-$TABLES-$ROWS.done"
  [[ -f $marker ]] && { log "Source idle_src of $TABLES x $ROWS rows is there already"; return; }
  rm -f "$BENCH_DIR"/source-*.done
  psql_on postgres -c "DROP DATABASE IF EXISTS idle_src" -c "DROP DATABASE IF EXISTS idle_dst" -c "CREATE DATABASE idle_src"
  log "Generating $TABLES tables x $ROWS rows in idle_src"
  for i in $(seq 1 "$TABLES"); do
    local t; t="$(printf 't%03d' "$i")"
    psql_on idle_src -c "CREATE TABLE $t (id bigint PRIMARY KEY, n integer, name text, updated_at timestamp NOT NULL)" \
      -c "INSERT INTO $t SELECT g, (g * 7919) % 1000003, 'row ' || g,
            timestamp '2020-01-01' + $i * interval '1 day' + g * interval '1 second' FROM generate_series(1::bigint, $ROWS) g" \
      -c "CREATE INDEX ${t}_updated_at ON $t (updated_at)"
  done
  psql_on idle_src -c "VACUUM ANALYZE"
  touch "$marker"
}

# with TIME_FILE set, GNU time writes the process's peak RSS (KB) there
replicator() {
  local jar="$1"; shift
  (cd "$BENCH_DIR" && ${TIME_FILE:+/usr/bin/time -f %M -o "$TIME_FILE"} java -jar "$jar" "$@" --source.url="$(jdbc_pg idle_src)" --source.username=postgres \
    --target.url="$(jdbc_pg idle_dst)" --target.username=postgres --replicator.sync.watermark=updated_at \
    --replicator.data-dir="$BENCH_DIR/replicator-data")
}

load_target() {
  if psql_on postgres -At -c "SELECT 1 FROM pg_database WHERE datname = 'idle_dst'" | grep -q 1; then
    log "Target idle_dst is loaded already"
    return
  fi
  psql_on postgres -c "CREATE DATABASE idle_dst"
  log "Loading idle_dst (this checkout's jar)"
  replicator "$AFTER_JAR" load > "$BENCH_DIR/load.log" 2>&1 || { tail -30 "$BENCH_DIR/load.log" >&2; exit 1; }
  psql_on idle_dst -c "VACUUM ANALYZE" >/dev/null
}

# one idle sync: appends "label wall-seconds run-seconds" to $RESULTS
time_sync() {
  local label="$1" jar="$2" out="$BENCH_DIR/sync-$1-$3.log"
  local start end
  start="$(date +%s.%N)"
  TIME_FILE="$out.rss" replicator "$jar" sync > "$out" 2>&1 || { tail -30 "$out" >&2; exit 1; }
  end="$(date +%s.%N)"
  grep -q "0 synced, $TABLES unchanged, 0 failed" "$out" || { echo "$label: not every table unchanged, see $out" >&2; exit 1; }
  local run; run="$(awk '/^Duration:/ {print $2}' "$out" | tail -1)"
  echo "$label $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $run $(( $(tail -1 "$out.rss") / 1024 ))" >> "$RESULTS"
}

# the probe queries alone, every table in turn in one psql session, without the JVM: appends
# "label seconds" to $QUERIES (count: the old probe's query, max: the new one's)
time_queries() {
  local label="$1" select="$2" sql="" start end
  for i in $(seq 1 "$TABLES"); do sql+="SELECT $select FROM $(printf 't%03d' "$i");"; done
  start="$(date +%s.%N)"
  psql_on idle_src -At -c "$sql" >/dev/null
  end="$(date +%s.%N)"
  echo "$label $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')" >> "$QUERIES"
}

main() {
  [[ $(id -u) == 0 ]] || { echo "bench/idle-sync.sh runs as root (apt-get, and the server started as postgres)" >&2; exit 2; }
  install_packages postgresql-15 postgresql-client-15
  mkdir -p "$BENCH_DIR"
  build_jars
  trap stop_postgres EXIT
  start_postgres
  create_source
  load_target
  RESULTS="$BENCH_DIR/idle-sync.txt"
  : > "$RESULTS"
  local load_before; load_before="$(uptime | sed 's/.*load average/load average/')"
  # a first sync of each, not counted: the JVM's class-data archive, the server's caches
  time_sync warmup-before "$BEFORE_JAR" 0; time_sync warmup-after "$AFTER_JAR" 0
  : > "$RESULTS"
  for r in $(seq 1 "$RUNS"); do
    time_sync before "$BEFORE_JAR" "$r"
    time_sync after "$AFTER_JAR" "$r"
  done
  QUERIES="$BENCH_DIR/idle-queries.txt"
  : > "$QUERIES"
  for r in $(seq 1 "$RUNS"); do
    time_queries count "MAX(updated_at), COUNT(*)"
    time_queries max "MAX(updated_at)"
  done
  {
    echo
    echo "Idle sync of $TABLES tables x $(printf "%'d" "$ROWS") rows, PostgreSQL 15 source and target, $(nproc) cores;"
    echo "before = commit $BEFORE, after = $(git -C "$PROJECT" rev-parse --short HEAD)$(git -C "$PROJECT" diff --quiet HEAD || echo ' + changes');"
    echo "load before: $load_before; after: $(uptime | sed 's/.*load average/load average/')"
    echo
    echo "| jar | run | whole process s | sync run s (summary) | peak RSS MB (java -jar's largest process) |"
    echo "|---|---|---|---|---|"
    awk '{ n[$1]++; printf "| %s | %d | %.2f | %s | %s |\n", $1, n[$1], $2, $3, $4 }' "$RESULTS"
    awk '{ w[$1] += $2; s[$1] += $3; n[$1]++ } END { for (k in n) printf "mean %s: whole process %.2f s, sync run %.2f s\n", k, w[k] / n[k], s[k] / n[k] }' "$RESULTS" | sort
    echo
    echo "The probe queries alone, $TABLES tables one after another in one psql session (s):"
    awk '{ t[$1] = t[$1] " " $2; w[$1] += $2; n[$1]++ } END { for (k in n) printf "%s:%s (mean %.2f)\n", k, t[k], w[k] / n[k] }' "$QUERIES" | sort
  } | tee "$BENCH_DIR/report.md"
}

main
