package org.camelreplicator.observe;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The health rules as notifications: each breach is sent once when it begins, again as a
 * reminder while it lasts past replicator.alerts.remind-minutes, and once when it ends, as JSON to
 * replicator.alerts.uri (routes/alerts.camel.yaml sends them; the rules are {@link Health}'s, so
 * /health says the same).
 */
public final class Alerts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Health health;
    private final long remindMillis;
    /** rule -> {since, last sent} of the breaches going on. */
    private final Map<String, Instant[]> active = new LinkedHashMap<>();

    public Alerts(Health health, long remindMinutes) {
        this.health = health;
        this.remindMillis = remindMinutes * 60_000;
    }

    /** Evaluates the rules: the JSON of each breach that began, that lasts past its reminder, or that ended. */
    public synchronized List<String> check() throws JsonProcessingException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> events = new ArrayList<>();
        Map<String, Health.Breach> current = new LinkedHashMap<>();
        health.breaches().forEach(b -> current.put(b.rule(), b));
        for (Health.Breach b : current.values()) {
            Instant[] times = active.get(b.rule());
            if (times == null) {
                active.put(b.rule(), new Instant[] {now, now});
                events.add(event("breach", b.rule(), b.text(), now, now));
            } else if (now.toEpochMilli() - times[1].toEpochMilli() >= remindMillis) {
                times[1] = now;
                events.add(event("reminder", b.rule(), b.text(), times[0], now));
            }
        }
        for (var it = active.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Instant[]> e = it.next();
            if (!current.containsKey(e.getKey())) {
                it.remove();
                events.add(event("recovered", e.getKey(), "back within " + e.getKey(), e.getValue()[0], now));
            }
        }
        return events;
    }

    private static String event(String state, String rule, String message, Instant since, Instant at) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", "camel-replicator");
        m.put("state", state);
        m.put("rule", rule);
        m.put("message", message);
        m.put("since", since.toString());
        m.put("at", at.toString());
        return JSON.writeValueAsString(m);
    }
}
