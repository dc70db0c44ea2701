package org.camelreplicator.observe;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.Service;

/**
 * The scrape and probe endpoints, on the JDK's own HTTP server (replicator.http.port, off when 0):
 * {@code /metrics} (Prometheus text), {@code /health} (200 UP or 503 DOWN, JSON) and
 * {@code /progress} (the current run as JSON). Bound to replicator.http.host, loopback by default.
 */
public final class HttpEndpoints implements Service {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String host;
    private final int port;
    private final Meters meters;
    private final Health health;
    private final Supplier<RunReport> current;
    private HttpServer server;

    public HttpEndpoints(String host, int port, Meters meters, Health health, Supplier<RunReport> current) {
        this.host = host;
        this.port = port;
        this.meters = meters;
        this.health = health;
        this.current = current;
    }

    @Override
    public void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open the metrics endpoint on " + host + ":" + port + ": " + e.getMessage()
                    + ". Set replicator.http.port to a free port (0 turns the endpoint off).", e);
        }
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", meters.scrape()));
        server.createContext("/health", ex -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", health.healthy() ? "UP" : "DOWN");
            body.put("problems", health.problems());
            respond(ex, health.healthy() ? 200 : 503, "application/json", JSON.writeValueAsString(body));
        });
        server.createContext("/progress", ex -> {
            RunReport r = current.get();
            respond(ex, 200, "application/json", JSON.writeValueAsString(r == null ? Map.of("status", "idle") : r.toMap()));
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
