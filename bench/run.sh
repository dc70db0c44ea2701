#!/usr/bin/env bash
# The copy benchmark of camel-replicator (issue 12): one table of N rows (bigint key, int, timestamp,
# numeric(12,2), varchar, text with 10% NULLs, boolean, char(36)) copied into PostgreSQL 15 by
# hand-made COPY pipes, pgcopydb, pgloader and `java -jar target/camel-replicator.jar load`, side by
# side in one run, each checked against the source by a content hash. Prints one table of wall time,
# rows/s, peak RSS and the ratio to the pipe of the same source.
#
#   bench/run.sh                          5,000,000 rows, every source and method
#   bench/run.sh --rows=20000000          the 20M-row variant
#   bench/run.sh --sources=pg,mariadb     only these sources (pg, mariadb, sqlite, h2)
#   bench/run.sh --methods=pipe,replicator,replicator-1   only these methods
#
# Installs what it needs as Debian packages (postgresql-15, mariadb-server, pgcopydb, pgloader,
# sqlite3, time) and runs its own PostgreSQL 15 and MariaDB servers as separate processes under
# $BENCH_DIR (default /tmp/camel-replicator-bench; about 4 GB per 5M rows), stopped at the end.
# Must run as root (apt-get, and the servers' own users); the machine's other work is left alone.
set -Eeuo pipefail
trap 'echo "bench/run.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

ROWS=5000000
SOURCES=pg,mariadb,sqlite,h2
METHODS=all
for arg in "$@"; do
  case "$arg" in
    --rows=*) ROWS="${arg#*=}" ;;
    --sources=*) SOURCES="${arg#*=}" ;;
    --methods=*) METHODS="${arg#*=}" ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-/tmp/camel-replicator-bench}"
PG_BIN=/usr/lib/postgresql/15/bin
source "$(dirname "$0")/lib.sh"
PG_PORT="${BENCH_PG_PORT:-$(free_port)}"
MY_PORT="${BENCH_MARIADB_PORT:-$(free_port)}"
RESULTS="$BENCH_DIR/results.tsv"
JAR="$PROJECT/target/camel-replicator.jar"

want_source() { [[ ",$SOURCES," == *",$1,"* ]]; }
want_method() { [[ "$METHODS" == all || ",$METHODS," == *",$1,"* ]]; }

# ---- tools

install_tools() {
  install_packages postgresql-15 postgresql-client-15 mariadb-server mariadb-client pgcopydb pgloader sqlite3 time
  build_jar "$JAR" "$PROJECT"
  H2_JAR="$(find ~/.m2/repository/com/h2database/h2 -name 'h2-*.jar' | sort | tail -1)"
}

# ---- servers (lib.sh)

mariadb_on() { mariadb --no-defaults -h 127.0.0.1 -P "$MY_PORT" -u bench -pbench bench "$@"; }

cleanup() { stop_mariadb; stop_postgres; }

# ---- data

# The issue's table. Text values carry no tab, newline or backslash so `mariadb -B --raw` stays a valid pipe.
SOURCE_DDL="CREATE TABLE t (id bigint PRIMARY KEY, n integer, ts timestamp, amount numeric(12,2), name varchar(64),
  note text, flag boolean, uid char(36))"
TARGET_DDL="${SOURCE_DDL/ PRIMARY KEY/}"

# An order-independent content hash that reads every copy the same way, whatever types its loader chose.
HASH_SQL="SELECT count(*) || ':' || coalesce(sum(hashtextextended(concat_ws('|', id::bigint, n::bigint,
  ts::timestamp, amount::numeric(12,2), name::text, coalesce(note::text, '<null>'), flag::boolean,
  rtrim(uid::text)), 0)::numeric), 0) FROM t"

create_source() {
  psql_on postgres -c "DROP DATABASE IF EXISTS src" -c "CREATE DATABASE src"
  log "Generating $ROWS rows in PostgreSQL database src"
  psql_on src -c "$SOURCE_DDL" -c "INSERT INTO t
    SELECT g, ((g * 7919) % 1000003)::int, timestamp '2015-01-01' + g * interval '37 seconds' + (g % 1000) * interval '1 microsecond',
           ((g * 104729) % 10000000) / 100.0, 'customer ' || g || ' é',
           CASE WHEN g % 10 = 0 THEN NULL ELSE repeat(md5(g::text), 1 + (g % 3)::int) END,
           g % 3 = 0, md5((g * 31)::text)::uuid::text
    FROM generate_series(1::bigint, $ROWS) g" -c "VACUUM ANALYZE t"
  SOURCE_HASH="$(psql_on src -At -c "$HASH_SQL")"
}

create_mariadb_source() {
  log "Loading the same rows into MariaDB database bench"
  mariadb_on -e "DROP TABLE IF EXISTS t; CREATE TABLE t (id BIGINT PRIMARY KEY, n INT, ts DATETIME(6), amount DECIMAL(12,2),
    name VARCHAR(64), note TEXT, flag BOOLEAN, uid CHAR(36)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
  mariadb_load_from_pg src "SELECT id, n, ts, amount, name, note, flag::int, uid FROM t ORDER BY id" bench
}

create_sqlite_source() {
  log "Loading the same rows into SQLite $BENCH_DIR/src.sqlite"
  rm -f "$BENCH_DIR/src.sqlite"
  psql_on src -c "COPY (SELECT id, n, ts, amount, name, note, flag::int, uid FROM t ORDER BY id) TO STDOUT (FORMAT csv)" > "$BENCH_DIR/t.csv"
  sqlite3 "$BENCH_DIR/src.sqlite" "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, ts TIMESTAMP, amount NUMERIC(12,2),
    name VARCHAR(64), note TEXT, flag BOOLEAN, uid CHAR(36))" ".import --csv $BENCH_DIR/t.csv t" \
    "UPDATE t SET note = NULL WHERE note = ''"
  rm -f "$BENCH_DIR/t.csv"
}

h2_sql() { java -cp "$H2_JAR" org.h2.tools.Shell -url "jdbc:h2:file:$BENCH_DIR/src-h2" -user sa -sql "$1"; }

create_h2_source() {
  log "Loading the same rows into H2 $BENCH_DIR/src-h2.mv.db"
  rm -f "$BENCH_DIR"/src-h2.*
  psql_on src -c "COPY (SELECT id, n, ts, amount, name, note, flag::int, uid FROM t ORDER BY id) TO STDOUT (FORMAT csv, HEADER, NULL '<null>')" > "$BENCH_DIR/t.csv"
  h2_sql "CREATE TABLE t (id BIGINT PRIMARY KEY, n INT, ts TIMESTAMP, amount NUMERIC(12,2), name VARCHAR(64), note CHARACTER VARYING,
    flag BOOLEAN, uid CHAR(36)); INSERT INTO t SELECT * FROM CSVREAD('$BENCH_DIR/t.csv', NULL, 'charset=UTF-8 nullString=<null>')" >/dev/null
  rm -f "$BENCH_DIR/t.csv"
}

# ---- measuring

# measure SOURCE METHOD TARGET_DB COMMAND: runs COMMAND (bash) under /usr/bin/time -v, sampling the summed
# RSS of its process group, checks the copy in TARGET_DB against the source hash, appends a result line.
measure() {
  local source="$1" method="$2" db="$3" cmd="$4"
  local out="$BENCH_DIR/$source-$method"
  log "$source: $method"
  start_measured "$out" "$cmd"
  local status=0
  wait_measured || status=$?
  local wall rss hash check
  wall="$(wall_seconds "$out")"
  rss="$(largest_rss_mb "$out")"
  if (( status != 0 )); then
    check="FAILED (exit $status, see $out.log)"
  else
    hash="$(psql_on "$db" -At -c "$HASH_SQL" 2>&1 || true)"
    [[ $hash == "$SOURCE_HASH" ]] && check=same || check="DIFFERS ($hash)"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$source" "$method" "$wall" "$rss" "$(all_rss_mb "$out")" "$check" >> "$RESULTS"
  psql_on postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
}

replicator() {
  local source_url="$1" db="$2"; shift 2
  fresh_db "$db"
  echo "cd '$BENCH_DIR' && java -jar '$JAR' load --source.url='$source_url' --target.url='$(jdbc_pg "$db")' --target.username=postgres $* --replicator.data-dir='$BENCH_DIR/replicator-data'"
}

run_pg() {
  local SRC="-h 127.0.0.1 -p $PG_PORT -U postgres"
  if want_method pipe; then
    fresh_db dst_pipe; psql_on dst_pipe -c "$TARGET_DDL"
    measure pg pipe dst_pipe "psql -X $SRC -d src -c 'COPY t TO STDOUT (FORMAT binary)' | psql -X $SRC -d dst_pipe -c 'COPY t FROM STDIN (FORMAT binary)' && psql -X $SRC -d dst_pipe -c 'ALTER TABLE t ADD PRIMARY KEY (id)'"
  fi
  if want_method pgcopydb; then
    fresh_db dst_pgcopydb; rm -rf "$BENCH_DIR/pgcopydb"
    measure pg pgcopydb dst_pgcopydb "pgcopydb clone --source 'postgres://postgres@127.0.0.1:$PG_PORT/src' --target 'postgres://postgres@127.0.0.1:$PG_PORT/dst_pgcopydb' --table-jobs 2 --index-jobs 2 --dir '$BENCH_DIR/pgcopydb' --no-owner --no-acl"
  fi
  if want_method replicator; then
    measure pg replicator dst_rep "$(replicator "$(jdbc_pg src)" dst_rep --source.username=postgres)"
  fi
  if want_method replicator-1; then
    measure pg replicator-1 dst_rep1 "$(replicator "$(jdbc_pg src)" dst_rep1 --source.username=postgres --workers=1)"
  fi
}

run_mariadb() {
  local MY="mariadb --no-defaults -h 127.0.0.1 -P $MY_PORT -u bench -pbench bench"
  local PSQL="psql -X -h 127.0.0.1 -p $PG_PORT -U postgres"
  if want_method pipe; then
    fresh_db dst_mypipe; psql_on dst_mypipe -c "$TARGET_DDL"
    measure mariadb pipe dst_mypipe "$MY -B --raw --quick -N -e 'SELECT * FROM t' | $PSQL -d dst_mypipe -c \"COPY t FROM STDIN (NULL 'NULL')\" && $PSQL -d dst_mypipe -c 'ALTER TABLE t ADD PRIMARY KEY (id)'"
  fi
  if want_method pgloader; then
    fresh_db dst_pgloader
    cat > "$BENCH_DIR/pgloader.load" <<EOF
LOAD DATABASE
  FROM mysql://bench:bench@127.0.0.1:$MY_PORT/bench
  INTO postgresql://postgres@127.0.0.1:$PG_PORT/dst_pgloader
  WITH include drop, create tables, create indexes, reset sequences, workers = 4, concurrency = 1,
       prefetch rows = 10000, batch rows = 10000
  ALTER SCHEMA 'bench' RENAME TO 'public';
EOF
    measure mariadb pgloader dst_pgloader "pgloader --no-ssl-cert-verification '$BENCH_DIR/pgloader.load'"
  fi
  if want_method replicator; then
    measure mariadb replicator dst_myrep "$(replicator "jdbc:mariadb://127.0.0.1:$MY_PORT/bench" dst_myrep --source.username=bench --source.password=bench)"
  fi
}

run_sqlite() {
  local PSQL="psql -X -h 127.0.0.1 -p $PG_PORT -U postgres"
  if want_method pipe; then
    fresh_db dst_sqpipe; psql_on dst_sqpipe -c "$TARGET_DDL"
    measure sqlite pipe dst_sqpipe "sqlite3 -csv -nullvalue '<null>' '$BENCH_DIR/src.sqlite' 'SELECT * FROM t' | $PSQL -d dst_sqpipe -c \"COPY t FROM STDIN (FORMAT csv, NULL '<null>')\" && $PSQL -d dst_sqpipe -c 'ALTER TABLE t ADD PRIMARY KEY (id)'"
  fi
  if want_method replicator; then
    measure sqlite replicator dst_sqrep "$(replicator "jdbc:sqlite:$BENCH_DIR/src.sqlite" dst_sqrep)"
  fi
}

run_h2() {
  local PSQL="psql -X -h 127.0.0.1 -p $PG_PORT -U postgres"
  if want_method pipe; then
    fresh_db dst_h2pipe; psql_on dst_h2pipe -c "$TARGET_DDL"
    rm -f "$BENCH_DIR/h2.fifo"; mkfifo "$BENCH_DIR/h2.fifo"
    measure h2 pipe dst_h2pipe "java -cp '$H2_JAR' org.h2.tools.Shell -url 'jdbc:h2:file:$BENCH_DIR/src-h2' -user sa -sql \"CALL CSVWRITE('$BENCH_DIR/h2.fifo', 'SELECT * FROM t', 'charset=UTF-8 nullString=<null>')\" >/dev/null & $PSQL -d dst_h2pipe -c \"COPY t FROM STDIN (FORMAT csv, HEADER, NULL '<null>')\" < '$BENCH_DIR/h2.fifo' && wait && $PSQL -d dst_h2pipe -c 'ALTER TABLE t ADD PRIMARY KEY (id)'"
  fi
  if want_method replicator; then
    measure h2 replicator dst_h2rep "$(replicator "jdbc:h2:file:$BENCH_DIR/src-h2" dst_h2rep --source.username=sa)"
  fi
}

report() {
  echo
  echo "Copy of $(printf "%'d" "$ROWS") rows into PostgreSQL 15, $(nproc) cores; load before: $LOAD_BEFORE; after: load average: $(load_average)"
  echo "peak RSS: the largest process (/usr/bin/time -v); all: the method's processes together (sampled every 0.2 s)"
  echo
  awk -F'\t' -v rows="$ROWS" '
    { src[NR] = $1; m[NR] = $2; wall[NR] = $3; rss[NR] = $4; all[NR] = $5; chk[NR] = $6; if ($2 == "pipe") pipe[$1] = $3 }
    END {
      printf "| %-8s | %-13s | %9s | %12s | %13s | %13s | %-9s | %s\n", "source", "method", "wall s", "rows/s", "peak RSS MB", "all procs MB", "x pipe", "content"
      printf "|----------|---------------|-----------|--------------|---------------|---------------|-----------|--------\n"
      for (i = 1; i <= NR; i++) {
        ratio = (src[i] in pipe && wall[i] > 0) ? sprintf("%.2f", wall[i] / pipe[src[i]]) : "-"
        printf "| %-8s | %-13s | %9.1f | %12d | %13d | %13d | %-9s | %s\n", src[i], m[i], wall[i], (wall[i] > 0 ? rows / wall[i] : 0), rss[i], all[i], ratio, chk[i]
      }
    }' "$RESULTS"
}

main() {
  [[ $(id -u) == 0 ]] || { echo "bench/run.sh runs as root (apt-get, and servers started as their own users)" >&2; exit 2; }
  install_tools
  mkdir -p "$BENCH_DIR"
  : > "$RESULTS"
  trap cleanup EXIT
  start_postgres
  want_source mariadb && start_mariadb
  create_source
  LOAD_BEFORE="load average: $(load_average)"
  if want_source pg; then run_pg; fi
  if want_source mariadb; then create_mariadb_source; run_mariadb; fi
  if want_source sqlite; then create_sqlite_source; run_sqlite; fi
  if want_source h2; then create_h2_source; run_h2; fi
  report | tee "$BENCH_DIR/report.md"
}

main
