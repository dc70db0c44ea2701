#!/usr/bin/env python3
"""bench/stream.sh's change workload on a MariaDB source, run as pgbench runs it on PostgreSQL (pgbench is PostgreSQL's
only): one statement per transaction (autocommit), 90% updates of a random row among ids 1..ROWS setting updated_at, 5%
inserts of a new row, 5% deletes of a random row; through CLIENTS sessions of the mariadb client, each fed by a thread of
its own. Either --transactions=N as fast as the sessions take them (pgbench -t), or --rate=R per second for --seconds=S
(pgbench -R -T: each session's transactions arrive as a Poisson process of R / CLIENTS per second).

Prints the two lines of pgbench's summary that bench/stream.sh reads: "tps = ...", and with --rate "rate limit schedule
lag: avg A (max M) ms": how late a transaction started against its schedule, sampled by a SELECT of the server's clock
every 20th statement of a session (pgbench averages over every transaction). Python's standard library only."""
import argparse
import itertools
import random
import subprocess
import sys
import threading
import time

MARKER_EVERY = 20


def statement(rng, rows, ids):
    draw = rng.random()
    if draw < 0.90:
        return ("UPDATE t SET n = n + 1, amount = amount + 0.01, note = MD5(RAND()), updated_at = UTC_TIMESTAMP(6)"
                f" WHERE id = {rng.randint(1, rows)}")
    if draw < 0.95:
        return (f"INSERT INTO t VALUES ({next(ids)}, 1, UTC_TIMESTAMP(6), 1.00, 'new row', MD5(RAND()), 1, UUID(),"
                " UTC_TIMESTAMP(6))")
    return f"DELETE FROM t WHERE id = {rng.randint(1, rows)}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--socket", required=True)
    p.add_argument("--database", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--clients", type=int, default=2)
    p.add_argument("--transactions", type=int, default=0)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--seconds", type=float, default=0)
    p.add_argument("--seed", type=int, default=15)
    a = p.parse_args()
    if (a.transactions > 0) == (a.rate > 0 and a.seconds > 0):
        p.error("give either --transactions, or --rate and --seconds")
    client = ["mariadb", "--no-defaults", "-S", a.socket, "-u", "root", "--default-character-set=utf8mb4", "-N", "-B", a.database]
    # new rows take ids after every id there is (and after ROWS, which updates and deletes draw from)
    first = subprocess.run(client + ["-e", f"SELECT GREATEST(COALESCE(MAX(id), 0), {a.rows}) + 1 FROM t"],
                           capture_output=True, text=True, check=True).stdout.strip()
    ids = itertools.count(int(first))
    ids_lock = threading.Lock()

    class Ids:
        def __next__(self):
            with ids_lock:
                return next(ids)

    sessions = [subprocess.Popen(client, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(a.clients)]
    outputs = [[] for _ in sessions]
    errors = [[] for _ in sessions]
    # the sessions' output is read as it comes, so a full pipe never stops a session
    readers = []
    for i, s in enumerate(sessions):
        for stream, into in ((s.stdout, outputs[i]), (s.stderr, errors[i])):
            t = threading.Thread(target=lambda f=stream, o=into: o.extend(f), daemon=True)
            t.start()
            readers.append(t)
    sent = [0] * len(sessions)

    def feed(i):
        rng = random.Random(a.seed * 1000 + i)
        out = sessions[i].stdin
        try:
            if a.rate > 0:
                rate = a.rate / len(sessions)
                scheduled = start
                n = 0
                while True:
                    scheduled += rng.expovariate(rate)
                    if scheduled > start + a.seconds:
                        break
                    wait = scheduled - time.time()
                    if wait > 0:
                        time.sleep(wait)
                    out.write(statement(rng, a.rows, Ids()) + ";\n")
                    n += 1
                    if n % MARKER_EVERY == 0:
                        out.write(f"SELECT {scheduled:.6f}, UNIX_TIMESTAMP(NOW(6));\n")
                    out.flush()
                sent[i] = n
            else:
                n = a.transactions // len(sessions) + (1 if i < a.transactions % len(sessions) else 0)
                for _ in range(n):
                    out.write(statement(rng, a.rows, Ids()) + ";\n")
                sent[i] = n
            out.close()
        except BrokenPipeError:
            pass

    start = time.time()
    feeders = [threading.Thread(target=feed, args=(i,)) for i in range(len(sessions))]
    for t in feeders:
        t.start()
    for t in feeders:
        t.join()
    failed = False
    for i, s in enumerate(sessions):
        if s.wait() != 0:
            failed = True
    end = time.time()
    for t in readers:
        t.join()
    for i, s in enumerate(sessions):
        if s.returncode != 0:
            print(f"session {i} exited with {s.returncode}: {''.join(errors[i]).strip()}", file=sys.stderr)
    if failed:
        sys.exit(1)
    total = sum(sent)
    print(f"transactions: {total} in {end - start:.1f} s over {len(sessions)} sessions")
    print(f"tps = {total / (end - start):.6f} (the sessions' start included)")
    if a.rate > 0:
        lags = [max(0.0, float(executed) - float(scheduled)) * 1000
                for lines in outputs for scheduled, executed in (line.split("\t") for line in lines if "\t" in line)]
        if lags:
            print(f"rate limit schedule lag: avg {sum(lags) / len(lags):.3f} (max {max(lags):.3f}) ms, {len(lags)} samples")


if __name__ == "__main__":
    main()
