package org.camelreplicator.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The log file, {@code <replicator.data-dir>/logs/replicator.log}: what the console shows plus the
 * details it leaves out, stack traces above all. The console shows one line per event and never a
 * stack trace (logback.xml); a failure's line says where this file is. Rolled at 10 MB, the last 5
 * kept ({@code replicator.1.log} ... {@code replicator.5.log}).
 */
public final class LogFile {

    /**
     * Marks an event for the log file only: its one line is on the console already (a failed table's
     * line of the run report), the file adds the stack trace.
     */
    public static final Marker FILE_ONLY = MarkerFactory.getMarker("FILE_ONLY");

    private static final String APPENDER = "FILE";
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n";
    private static volatile Path current;

    private LogFile() {
    }

    /**
     * Writes the log to {@code folder/replicator.log} from now on. A JVM that runs several commands
     * (the tests) follows the last one's data folder. A folder that cannot be written is said on the
     * console, and the command goes on without a file.
     */
    public static synchronized void open(Path folder) {
        Path file = folder.resolve("replicator.log").toAbsolutePath().normalize();
        if (file.equals(current) || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            LoggerFactory.getLogger(LogFile.class).warn("No log file: cannot create {} ({}); stack traces are not kept",
                    file.getParent(), e.getMessage());
            return;
        }
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setFile(file.toString());
        FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file.getParent().resolve("replicator.%i.log").toString());
        rolling.setMinIndex(1);
        rolling.setMaxIndex(5);
        rolling.start();
        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(FileSize.valueOf("10MB"));
        size.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(size);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        appender.setEncoder(encoder);
        Logger[] loggers = {context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME), context.getLogger(RunReport.CONSOLE.getName())};
        ch.qos.logback.core.Appender<ILoggingEvent> earlier = loggers[0].getAppender(APPENDER);
        for (Logger logger : loggers) {
            logger.detachAppender(APPENDER);
        }
        // the earlier file is closed before the new one opens
        if (earlier != null) {
            earlier.stop();
        }
        appender.start();
        for (Logger logger : loggers) {
            logger.addAppender(appender);
        }
        current = file;
    }

    /** The log file in use, if there is one. */
    public static Optional<Path> current() {
        return Optional.ofNullable(current);
    }

    /** " (details and stack trace: <file>)", or nothing without a log file: what an error's message ends with. */
    public static String whereDetailsAre() {
        return current().map(f -> " (details and stack trace: " + f + ")").orElse("");
    }
}
