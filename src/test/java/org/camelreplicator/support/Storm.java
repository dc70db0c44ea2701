package org.camelreplicator.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Every client session of some databases of the test server terminated (pg_terminate_backend) at
 * a fixed rate, from the moment it starts until it is closed or its time is up: what a failover, a
 * restarted pooler or an impatient administrator does to a running replicator. Its own session is
 * in the database {@code postgres} and is spared.
 */
public final class Storm implements AutoCloseable {

    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "storm");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger terminated = new AtomicInteger();
    private final AtomicInteger failedRounds = new AtomicInteger();
    private final String sql;

    private Storm(List<String> databaseUrls) {
        String names = databaseUrls.stream().map(u -> u.replaceAll("\\?.*", "")).map(u -> "'" + u.substring(u.lastIndexOf('/') + 1) + "'")
                .collect(Collectors.joining(", "));
        sql = "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname IN (" + names + ")"
                + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()";
    }

    /** Starts terminating now, and again every {@code every}, for at most {@code lasting}. */
    public static Storm start(Duration every, Duration lasting, String... databaseUrls) {
        Storm storm = new Storm(List.of(databaseUrls));
        storm.rounds.scheduleAtFixedRate(storm::round, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        storm.rounds.schedule(storm.rounds::shutdown, lasting.toMillis(), TimeUnit.MILLISECONDS);
        return storm;
    }

    /** Whether the storm is still going (its time is not up). */
    public boolean raging() {
        return !rounds.isShutdown();
    }

    private void round() {
        try (Connection admin = TestPostgres.connect(TestPostgres.url("postgres"))) {
            terminated.addAndGet((int) Tables.single(admin, sql));
            done.incrementAndGet();
        } catch (SQLException e) {
            failedRounds.incrementAndGet();
        }
    }

    /** Rounds that ran so far. */
    public int rounds() {
        return done.get();
    }

    /** Sessions terminated so far. */
    public int terminated() {
        return terminated.get();
    }

    /** Rounds that could not reach the server (none expected). */
    public int failedRounds() {
        return failedRounds.get();
    }

    @Override
    public void close() throws InterruptedException {
        rounds.shutdownNow();
        rounds.awaitTermination(10, TimeUnit.SECONDS);
    }
}
