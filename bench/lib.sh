# What the benchmarks (run.sh, stream.sh, idle-sync.sh) share, sourced by each: logging, free ports, the Debian packages
# they install, their own PostgreSQL 15 and MariaDB servers, and running a command under /usr/bin/time with its RSS sampled.
# Needs BENCH_DIR and PG_BIN (and PG_PORT, MY_PORT for the servers) set by the script; optional settings are named where used.

log() { printf '\n== %s\n' "$*" >&2; }

# a port nothing listens on (other servers of the machine come and go)
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
load_average() { uptime | sed 's/.*load average: //'; }

# ---- tools

# whether a Debian package this file knows is there, by the program it provides
package_present() {
  case "$1" in
    postgresql-15) [[ -x $PG_BIN/postgres && -x $PG_BIN/pgbench ]] ;;
    postgresql-client-15) command -v psql >/dev/null ;;
    mariadb-server) command -v mariadbd >/dev/null ;;
    mariadb-client) command -v mariadb >/dev/null ;;
    time) [[ -x /usr/bin/time ]] ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

# install_packages PACKAGE...: those of them that are missing, from Debian, without starting their services
install_packages() {
  local missing=() p
  for p in "$@"; do package_present "$p" || missing+=("$p"); done
  if (( ${#missing[@]} )); then
    log "Installing ${missing[*]}"
    apt-get update -qq
    # packages must not start their own services: the benchmarks start their servers themselves
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# build_jar JAR PROJECT: this checkout's jar, built when it is missing
build_jar() {
  if [[ ! -f $1 ]]; then
    log "Building $1"
    (cd "$2" && mvn -B -q -DskipTests package)
  fi
}

# ---- PostgreSQL: a server of the benchmark's own under $PG_DATA (default $BENCH_DIR/pg, its log beside it as $PG_DATA.log)
# on $PG_PORT, with the settings that keep checkpoints and autovacuum out of the measurements. A benchmark that runs beside
# another gives its own PG_DATA, so one's server does not disturb the other's. PG_LOGICAL=1: logical decoding (wal_level=
# logical and room for replication slots and WAL senders), which the change stream needs and the copy benchmarks do not (it
# writes more WAL).

psql_on() { local db="$1"; shift; psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "$@"; }
jdbc_pg() { echo "jdbc:postgresql://127.0.0.1:$PG_PORT/$1"; }
fresh_db() { psql_on postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }

pg_data() { echo "${PG_DATA:-$BENCH_DIR/pg}"; }

start_postgres() {
  local data logical=""
  data="$(pg_data)"
  [[ ${PG_LOGICAL:-0} == 1 ]] && logical="-c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10"
  log "Starting PostgreSQL 15 on port $PG_PORT ($data${logical:+, wal_level=logical})"
  mkdir -p "$BENCH_DIR/run"
  chown postgres "$BENCH_DIR" "$BENCH_DIR/run"
  if [[ ! -f $data/PG_VERSION ]]; then
    runuser -u postgres -- "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # a dedicated server: defaults except what keeps checkpoints out of the measurements, the same for every method.
  # One line: pg_ctl hands -o to a shell, where a newline ends the command (the settings after it were lost, and
  # the server's log went to the benchmark's output instead of the -l file).
  local opts="-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$BENCH_DIR/run -c shared_buffers=512MB"
  # autovacuum off: after one method's COPY the insert-triggered autovacuum of its table would run during the next
  # method's measurement (every method's own vacuum, such as pgcopydb's, is part of its time)
  opts+=" -c max_wal_size=8GB -c checkpoint_timeout=30min -c timezone=UTC -c max_connections=100 -c autovacuum=off $logical"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$data" -l "$data.log" -w start -o "$opts" >/dev/null
}

stop_postgres() {
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$(pg_data)" -m fast -w stop >/dev/null 2>&1 || true
}

# ---- MariaDB: a server of the benchmark's own under $MY_DATA (default $BENCH_DIR/mariadb, its log as $MY_DATA.log, socket
# and pid file in $BENCH_DIR/run named after it) on $MY_PORT, UTC, commits written to the OS at once and flushed every
# second (innodb-flush-log-at-trx-commit=2). MY_BINLOG=1: the binary log on in ROW format with a server id, which the change
# stream reads (as a replica would); otherwise off, as the copy benchmark wants it. A user bench (password bench) from
# 127.0.0.1 with every right on database bench.

my_data() { echo "${MY_DATA:-$BENCH_DIR/mariadb}"; }
mariadb_socket() { echo "$BENCH_DIR/run/$(basename "$(my_data)").sock"; }
mariadb_pid_file() { echo "$BENCH_DIR/run/$(basename "$(my_data)").pid"; }
# as root over the server's socket: setting up, and what the benchmark itself runs on the source
mariadb_root() { mariadb --no-defaults -S "$(mariadb_socket)" -u root "$@"; }

start_mariadb() {
  local data binlog="--skip-log-bin" what=""
  data="$(my_data)"
  if [[ ${MY_BINLOG:-0} == 1 ]]; then
    binlog="--log-bin=mariadb-bin --binlog-format=ROW --binlog-row-image=FULL --server-id=1"
    what=", binlog in ROW format"
  fi
  log "Starting MariaDB on port $MY_PORT ($data$what)"
  mkdir -p "$BENCH_DIR/run"
  if [[ ! -d $data/mysql ]]; then
    mariadb-install-db --no-defaults --datadir="$data" --user=root --auth-root-authentication-method=normal >/dev/null
  fi
  # shellcheck disable=SC2086 # $binlog is several options
  mariadbd --no-defaults --datadir="$data" --user=root --port="$MY_PORT" --bind-address=127.0.0.1 \
    --socket="$(mariadb_socket)" --pid-file="$(mariadb_pid_file)" $binlog \
    --character-set-server=utf8mb4 --default-time-zone=+00:00 --innodb-buffer-pool-size=1G \
    --innodb-flush-log-at-trx-commit=2 --local-infile=1 >"$data.log" 2>&1 &
  local _
  for _ in $(seq 120); do
    mariadb_root -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb_root -e "
    CREATE DATABASE IF NOT EXISTS bench;
    CREATE USER IF NOT EXISTS 'bench'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('bench');
    GRANT ALL ON bench.* TO 'bench'@'127.0.0.1';"
}

stop_mariadb() {
  local file; file="$(mariadb_pid_file)"
  [[ -f $file ]] || return 0
  local pid; pid="$(cat "$file")"
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
}

# mariadb_load_from_pg PG_DB SELECT MY_DB: the rows of SELECT (run in PG_DB; text values without tab, newline or backslash)
# into the existing table t of MariaDB database MY_DB, analysed after
mariadb_load_from_pg() {
  local file="$BENCH_DIR/t.tsv"
  psql_on "$1" -c "COPY ($2) TO STDOUT" > "$file"
  # not in the binlog (where it is on): no change stream is to read a source's initial rows from there
  mariadb_root --local-infile=1 "$3" -e "SET SESSION sql_log_bin = 0;
    LOAD DATA LOCAL INFILE '$file' INTO TABLE t CHARACTER SET utf8mb4; ANALYZE TABLE t" >/dev/null
  rm -f "$file"
}

# ---- measuring

# start_measured OUT CMD: CMD (bash, pipefail) in a session of its own under /usr/bin/time -v (OUT.time), its output in
# OUT.log, the summed RSS of its session sampled every 0.2 s with the peak in OUT.rss (KB). Sets MEASURED (the session's
# id, also its leader's pid) and MEASURED_SAMPLER; wait_measured waits for both.
MEASURED=""
MEASURED_SAMPLER=""
start_measured() {
  local out="$1" cmd="$2"
  setsid /usr/bin/time -v -o "$out.time" bash -o pipefail -c "$cmd" >"$out.log" 2>&1 &
  MEASURED=$!
  echo 0 > "$out.rss"
  ( peak=0
    while kill -0 "$MEASURED" 2>/dev/null; do
      sum="$( (ps -o rss= --sid "$MEASURED" 2>/dev/null || true) | awk '{s += $1} END {print s + 0}')"
      if (( sum > peak )); then peak=$sum; echo "$peak" > "$out.rss"; fi
      sleep 0.2
    done ) &
  MEASURED_SAMPLER=$!
}

# waits for the measured command, returning its exit status
wait_measured() {
  [[ -n $MEASURED ]] || return 0
  local status=0
  wait "$MEASURED" || status=$?
  wait "$MEASURED_SAMPLER" 2>/dev/null || true
  MEASURED=""; MEASURED_SAMPLER=""
  return "$status"
}

# the measured command's largest process, its processes together (MB), and its wall time (s)
largest_rss_mb() { awk -F': ' '/Maximum resident set size/ {print int($2 / 1024)}' "$1.time"; }
all_rss_mb() { echo "$(( $(cat "$1.rss") / 1024 ))"; }
wall_seconds() { awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$1.time"; }
