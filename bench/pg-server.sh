# Shared by the benchmarks (run.sh, idle-sync.sh): their own PostgreSQL 15 server under $BENCH_DIR/pg
# on $PG_PORT, with the settings that keep checkpoints out of the measurements. Needs PG_BIN,
# BENCH_DIR, PG_PORT and a log function.

start_postgres() {
  log "Starting PostgreSQL 15 on port $PG_PORT ($BENCH_DIR/pg)"
  mkdir -p "$BENCH_DIR/run"
  chown postgres "$BENCH_DIR" "$BENCH_DIR/run"
  if [[ ! -f $BENCH_DIR/pg/PG_VERSION ]]; then
    runuser -u postgres -- "$PG_BIN/initdb" -D "$BENCH_DIR/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # a dedicated server: defaults except what keeps checkpoints out of the measurements, the same for every method.
  # One line: pg_ctl hands -o to a shell, where a newline ends the command (the settings after it were lost, and
  # the server's log went to the benchmark's output instead of the -l file).
  local opts="-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$BENCH_DIR/run -c shared_buffers=512MB"
  opts+=" -c max_wal_size=8GB -c checkpoint_timeout=30min -c timezone=UTC -c max_connections=100"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BENCH_DIR/pg" -l "$BENCH_DIR/pg.log" -w start -o "$opts" >/dev/null
}

stop_postgres() {
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BENCH_DIR/pg" -m fast -w stop >/dev/null 2>&1 || true
}
