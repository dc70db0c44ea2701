package org.camelreplicator.verify;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.camelreplicator.config.VerifySettings;
import org.camelreplicator.run.StopSignal;
import org.camelreplicator.ledger.Ledger;
import org.camelreplicator.ledger.VerifyRangeRecord;
import org.camelreplicator.observe.Meters;
import org.camelreplicator.plan.KeyRange;
import org.camelreplicator.run.RunContext;
import org.camelreplicator.verify.TableSides.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verify-range step (routes/verify.camel.yaml): compares one range's digests on both sides; a
 * range that differs is narrowed down. An integer key range holding more than
 * replicator.verify.leaf-rows rows is cut into {@value #PARTS} parts by key, and each part's
 * digests are compared again, down to parts small enough to compare key by key ({@link KeyMerge});
 * any other range is compared key by key at once (its keys stream, so memory stays constant). What
 * a range found, with its differing parts (the units a repair rewrites) and their first differing
 * rows, is recorded in the ledger in one transaction, so a retried range records once.
 */
public final class RangeComparer {

    static final int PARTS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(RangeComparer.class);

    private final TableSides sides;
    private final Ledger ledger;
    private final Meters meters;
    private final StopSignal stop;
    private final VerifySettings settings;

    RangeComparer(TableSides sides, Ledger ledger, Meters meters, StopSignal stop, VerifySettings settings) {
        this.sides = sides;
        this.ledger = ledger;
        this.meters = meters;
        this.stop = stop;
        this.settings = settings;
    }

    /** A part of a differing range: its digests and, where its keys were compared, what the comparison found. */
    private record Part(KeyRange range, Digest source, Digest target, KeyMerge.Found found) {
    }

    public void compare(RangeCheck check, Exchange exchange) throws SQLException {
        if (stop.stopping()) {
            throw new StopSignal.RunStoppedException("Stopped on request before " + check + " was compared; verify --resume compares it");
        }
        VerifyTable t = check.table();
        long runId = RunContext.of(exchange).runId();
        Digest source = sides.digest(t, Side.SOURCE, check.range());
        Digest target = sides.digest(t, Side.TARGET, check.range());
        List<Part> parts = new ArrayList<>();
        if (!source.equals(target)) {
            narrow(t, check.range(), source, target, parts, new int[] {settings.maxKeys()});
        }
        // a part whose rows all compare equal key by key is no difference (nor a range to repair)
        parts.removeIf(p -> p.found() != null && p.found().total() == 0);
        boolean equal = parts.isEmpty();
        if (!source.equals(target) && equal) {
            // the digests count text forms, the keys values (json spacing, say), or rows changed between the reads
            LOG.warn("{}: the digests differ (source {} rows, target {}), but each row compares equal key by key; counted equal",
                    check, source.rows(), target.rows());
        }
        record(check, runId, source, target, parts);
        t.sourceRows.addAndGet(source.rows());
        t.targetRows.addAndGet(target.rows());
        meters.rangeVerified(t.id(), equal, source.rows());
        RunContext.of(exchange).report().rowsWritten(t.id(), source.rows(), 0);
        if (equal) {
            t.rangesEqual.incrementAndGet();
            return;
        }
        t.rangesDiffering.incrementAndGet();
        for (Part p : parts) {
            if (p.found() == null) {
                long rows = Math.max(1, Math.abs(p.source().rows() - p.target().rows()));
                t.unnamed.addAndGet(rows);
                meters.rowsDiffering(t.id(), "unnamed", rows);
                continue;
            }
            add(t, Difference.Kind.MISSING, p.found().missing(), t.missing);
            add(t, Difference.Kind.EXTRA, p.found().extra(), t.extra);
            add(t, Difference.Kind.CHANGED, p.found().changed(), t.changed);
            p.found().named().forEach(t::name);
        }
    }

    private void add(VerifyTable t, Difference.Kind kind, long rows, java.util.concurrent.atomic.AtomicLong counter) {
        if (rows > 0) {
            counter.addAndGet(rows);
            meters.rowsDiffering(t.id(), kind.id(), rows);
        }
    }

    /**
     * Finds the parts of a differing range that differ, each compared key by key where the table
     * has a key; at most {@code namesLeft[0]} differing rows of the range are named.
     */
    private void narrow(VerifyTable t, KeyRange range, Digest source, Digest target, List<Part> parts, int[] namesLeft) throws SQLException {
        if (!t.hasKey()) {
            parts.add(new Part(range, source, target, null));
            return;
        }
        if (t.integerKey() != null && range instanceof KeyRange.IntegerRange && Math.max(source.rows(), target.rows()) > settings.leafRows()) {
            long[] span = sides.keySpan(t, range);
            if (span != null && span[1] > span[0]) {
                for (KeyRange part : TableSides.split(t.integerKey(), span[0], span[1], PARTS)) {
                    Digest s = sides.digest(t, Side.SOURCE, part);
                    Digest g = sides.digest(t, Side.TARGET, part);
                    if (!s.equals(g)) {
                        narrow(t, part, s, g, parts, namesLeft);
                    }
                }
                return;
            }
        }
        KeyMerge.Found found;
        try {
            found = new KeyMerge(t).compare(sides, range, namesLeft[0]);
            namesLeft[0] -= found.named().size();
        } catch (KeyMerge.KeyOrderException e) {
            LOG.warn(e.getMessage());
            found = null;
        }
        parts.add(new Part(range, source, target, found));
    }

    /**
     * The range's outcome in the ledger: equal; a range that is itself the part that differs; or
     * narrowed, with its differing parts as ranges of their own. One transaction.
     */
    private void record(RangeCheck check, long runId, Digest source, Digest target, List<Part> parts) throws SQLException {
        VerifyTable t = check.table();
        String table = t.id();
        boolean itself = parts.size() == 1 && parts.get(0).range() == check.range();
        List<Integer> numbers = new ArrayList<>();
        for (Part p : parts) {
            numbers.add(itself ? check.number() : t.newRangeNumber());
        }
        ledger.inTransaction(c -> {
            String status = parts.isEmpty() ? VerifyRangeRecord.EQUAL : itself ? VerifyRangeRecord.DIFFERS : VerifyRangeRecord.NARROWED;
            ledger.verifiedRange(c, runId, table, check.number(), status, source.rows(), target.rows(), sum(parts, 0), sum(parts, 1),
                    sum(parts, 2));
            for (int i = 0; i < parts.size(); i++) {
                Part p = parts.get(i);
                int number = numbers.get(i);
                if (!itself) {
                    ledger.insertVerifyRange(c, runId, table, number, check.number(), p.range(), VerifyRangeRecord.DIFFERS,
                            p.source().rows(), p.target().rows());
                    ledger.verifiedRange(c, runId, table, number, VerifyRangeRecord.DIFFERS, p.source().rows(), p.target().rows(),
                            sum(List.of(p), 0), sum(List.of(p), 1), sum(List.of(p), 2));
                }
                if (p.found() != null) {
                    for (Difference d : p.found().named()) {
                        ledger.differingKey(c, runId, table, number, d.kind().id(), d.key(), String.join(", ", d.columns()));
                    }
                }
            }
        });
    }

    /** Missing (0), extra (1) or changed (2) rows of the parts; null when a part's rows could not be named. */
    private static Long sum(List<Part> parts, int kind) {
        long total = 0;
        for (Part p : parts) {
            if (p.found() == null) {
                return null;
            }
            total += kind == 0 ? p.found().missing() : kind == 1 ? p.found().extra() : p.found().changed();
        }
        return total;
    }
}
