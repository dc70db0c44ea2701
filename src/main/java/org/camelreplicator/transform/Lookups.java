package org.camelreplicator.transform;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.function.Suppliers;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.support.DefaultExchange;
import org.camelreplicator.config.TransformSettings;

/**
 * Cached lookups for column transforms: a transform route enriches a row from a query on the source
 * or the target, e.g.
 * {@code method: {ref: lookups, method: "source('SELECT name FROM status_codes WHERE code = :#status', ${exchange})"}}.
 * Each {@code :#name} is a column of the row (a header), as in camel-sql, which runs the query
 * ({@code sql:} with outputType SelectOne against the datasource {@code source} or {@code target}):
 * the answer is the first column of the one row, or null when there is none.
 *
 * <p>Answers are kept in one Caffeine cache, bounded by replicator.lookup.max-entries and kept for
 * replicator.lookup.ttl seconds after they were read (default one hour), so a value changed at the
 * source is seen at the latest that long after. Its hits, misses and evictions are Micrometer meters
 * ({@code cache.gets{cache=replicator.lookups,result=hit|miss}}, {@code cache.evictions}, ...).
 * A lookup that fails throws {@link LookupException} with the query and the row's values, which
 * {@link RowTransforms} turns into the run's fault rules (a transient cause retried, any other a
 * failed table or a rejected row).
 */
public final class Lookups {

    public static final String CACHE = "replicator.lookups";
    private static final Pattern PARAMETER = Pattern.compile(":#([A-Za-z_][\\w$]*)");

    private record Key(String side, String sql, List<Object> values) {
    }

    private final CamelContext context;
    private final Cache<Key, Optional<Object>> cache;
    private final ConcurrentHashMap<String, List<String>> parameters = new ConcurrentHashMap<>();
    /** Created at first use: the context is not started yet when this bean is. */
    private final Supplier<ProducerTemplate> template;

    public Lookups(CamelContext context, TransformSettings settings, MeterRegistry registry) {
        this.context = context;
        this.template = Suppliers.memorize(context::createProducerTemplate);
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.lookupMaxEntries())
                .expireAfterWrite(Duration.ofSeconds(settings.lookupTtlSeconds()))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, cache, CACHE);
    }

    /** The answer of a query on the source for the row of {@code exchange}. */
    public Object source(String sql, Exchange exchange) {
        return lookup("source", sql, exchange);
    }

    /** The answer of a query on the target for the row of {@code exchange}. */
    public Object target(String sql, Exchange exchange) {
        return lookup("target", sql, exchange);
    }

    private Object lookup(String side, String sql, Exchange exchange) {
        List<String> names = parameters.computeIfAbsent(sql, Lookups::parameterNames);
        List<Object> values = new ArrayList<>(names.size());
        for (String name : names) {
            if (!exchange.getIn().getHeaders().containsKey(name)) {
                throw new LookupException("lookup " + sql + " on the " + side + ": :#" + name + " names no column of the row (its columns: "
                        + String.join(", ", exchange.getIn().getHeaders().keySet()) + ")", null);
            }
            values.add(exchange.getIn().getHeader(name));
        }
        Key key = new Key(side, sql, values);
        Optional<Object> cached = cache.getIfPresent(key);
        if (cached == null) {
            // read outside the cache's lock: a failure is thrown to the row, not kept
            cached = Optional.ofNullable(query(key, names));
            cache.put(key, cached);
        }
        return cached.orElse(null);
    }

    private Object query(Key key, List<String> names) {
        Exchange query = new DefaultExchange(context);
        for (int i = 0; i < names.size(); i++) {
            query.getIn().setHeader(names.get(i), key.values().get(i));
        }
        query.getIn().setHeader(SqlConstants.SQL_QUERY, key.sql());
        template.get().send(endpoint(key.side()), query);
        if (query.getException() != null) {
            throw new LookupException("lookup " + key.sql() + " on the " + key.side() + " with " + described(names, key.values())
                    + " failed: " + org.camelreplicator.observe.Errors.describe(query.getException()), query.getException());
        }
        return query.getMessage().getBody();
    }

    private Endpoint endpoint(String side) {
        // the query comes in the CamelSqlQuery header: a user's SQL is no part of a URI
        return context.getEndpoint("sql:select 1?dataSource=#" + side + "&outputType=SelectOne");
    }

    private static List<String> parameterNames(String sql) {
        List<String> names = new ArrayList<>();
        Matcher m = PARAMETER.matcher(sql);
        while (m.find()) {
            names.add(m.group(1));
        }
        return List.copyOf(names);
    }

    private static String described(List<String> names, List<Object> values) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            parts.add(names.get(i) + "=" + values.get(i));
        }
        return parts.isEmpty() ? "no parameters" : String.join(", ", parts);
    }

    /** A lookup that failed: its query, the row's values, and the cause (kept, so a transient one is retried). */
    public static final class LookupException extends RuntimeException {
        LookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
