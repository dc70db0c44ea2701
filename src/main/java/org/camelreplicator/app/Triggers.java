package org.camelreplicator.app;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.camelreplicator.run.RunSlot;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.RunRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the triggers of routes/triggers.camel.yaml (serve) turn into runs. The rule against
 * overlap: a load never starts while another runs in this process; a timer or cron tick that finds
 * one running is skipped (and logged), a job file waits in the drop folder until the running load
 * has ended.
 */
public final class Triggers implements GenericFileFilter<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(Triggers.class);
    private static final Set<String> JOB_KEYS = new java.util.TreeSet<>(List.of("command", "tables", "exclude", "resume", "reset", "no-truncate"));

    /** The exchange property naming the folder (done or failed) a processed job file moves to. */
    public static final String OUTCOME = "jobOutcome";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunSlot slot;
    private final String scheduledCommand;

    /** @param scheduledCommand what a timer or cron tick runs: load, sync or verify (replicator.serve.command) */
    public Triggers(RunSlot slot, String scheduledCommand) {
        this.slot = slot;
        this.scheduledCommand = scheduledCommand;
    }

    /**
     * A timer or cron tick: what replicator.serve.command says (a load resumes an unfinished run),
     * or null when a run is going on.
     */
    public RunRequest scheduled(Exchange exchange) {
        String by = exchange.getFromRouteId();
        if (slot.busy()) {
            LOG.info("{}: a run is going on; this scheduled {} is skipped", by, scheduledCommand);
            return null;
        }
        return new RunRequest(scheduledCommand, scheduledCommand.equals("load"), false, false, false, false, null, null, "the " + by + " trigger");
    }

    /**
     * A job file: properties {@code command} (load, sync or verify), {@code tables}, {@code exclude} (comma lists),
     * {@code resume}, {@code reset}, {@code no-truncate} (true/false). Unknown keys are an error, so
     * a typo does not silently copy everything.
     */
    public RunRequest fromJobFile(String body, Exchange exchange) throws IOException {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Properties job = new Properties();
        job.load(new StringReader(body));
        for (String key : job.stringPropertyNames()) {
            if (!JOB_KEYS.contains(key)) {
                throw new IllegalArgumentException("Unknown key '" + key + "'; a job file may set " + JOB_KEYS);
            }
        }
        String command = job.getProperty("command", "load").trim();
        if (!command.equals("load") && !command.equals("sync") && !command.equals("verify")) {
            throw new IllegalArgumentException("command=" + command + " is not one a job file can run (load, sync or verify)");
        }
        return new RunRequest(command, flag(job, "resume"), flag(job, "reset"), flag(job, "no-truncate"), false, false,
                list(job.getProperty("tables")), list(job.getProperty("exclude")), "job file " + name);
    }

    /**
     * After a job: its run report goes beside the job file, in done/ when the load succeeded and
     * in failed/ otherwise (a job that never started gets a report naming its error). The file
     * consumer moves the job file to the folder named by the {@link #OUTCOME} property.
     */
    public void afterJob(Exchange exchange) throws IOException {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        boolean ok = error == null && Integer.valueOf(0).equals(exchange.getIn().getBody());
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Path folder = Path.of(exchange.getIn().getHeader(Exchange.FILE_PARENT, String.class)).resolve(ok ? "done" : "failed");
        Files.createDirectories(folder);
        Path report = folder.resolve(name + ".report.json");
        Path written = exchange.getProperty(RunSlot.REPORT_FILE, Path.class);
        if (written != null) {
            Files.copy(written, report, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Map<String, String> failure = new LinkedHashMap<>();
            failure.put("job", name);
            failure.put("error", error == null ? "the load ended without a report" : Errors.describe(error));
            Files.writeString(report, JSON.writeValueAsString(failure));
        }
        exchange.setProperty(OUTCOME, ok ? "done" : "failed");
        if (ok) {
            LOG.info("Job file {} done; it and its report are in {}", name, folder);
        } else {
            LOG.warn("Job file {} failed{}; it and its report are in {}", name,
                    error == null ? "" : ": " + Errors.describe(error), folder);
        }
    }

    /** Job files wait while a load runs: the consumer leaves them for a later poll. */
    @Override
    public boolean accept(GenericFile<Object> file) {
        return file.isDirectory() || !slot.busy();
    }

    private static boolean flag(Properties job, String key) {
        return Boolean.parseBoolean(job.getProperty(key, "false").trim().toLowerCase(Locale.ROOT));
    }

    private static List<String> list(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
