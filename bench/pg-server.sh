# Shared by the benchmarks (run.sh, idle-sync.sh, stream.sh): their own PostgreSQL 15 server under
# $BENCH_DIR/pg on $PG_PORT, with the settings that keep checkpoints and autovacuum out of the measurements. Needs PG_BIN,
# BENCH_DIR, PG_PORT and a log function. Optional: PG_DATA, another data folder (its log beside it, as
# $PG_DATA.log), so one benchmark's server does not disturb another's; PG_LOGICAL=1 for logical decoding
# (wal_level=logical and room for replication slots and WAL senders), which the change stream needs and
# the copy benchmarks do not (it writes more WAL).

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
