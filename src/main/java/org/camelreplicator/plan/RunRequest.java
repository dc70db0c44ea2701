package org.camelreplicator.plan;

/**
 * What the user asked for on the command line, beyond the settings: the body the command routes
 * receive.
 *
 * @param command    schema, load or status
 * @param resume     continue the last unfinished run
 * @param reset      forget the ledger and start over
 * @param noTruncate keep rows already in target tables instead of emptying them before a fresh load
 * @param json       print status as JSON
 * @param dryRun     print the plan, write nothing
 * @param tables     the tables of this run when the request names them (a job file), else null: replicator.tables
 * @param exclude    tables to leave out when the request names them, else null: replicator.exclude
 * @param source     where the request came from (command line, JMX, timer, cron, a job file), for the logs
 */
public record RunRequest(String command, boolean resume, boolean reset, boolean noTruncate, boolean json, boolean dryRun,
                         java.util.List<String> tables, java.util.List<String> exclude, String source) {

    public RunRequest(String command, boolean resume, boolean reset, boolean noTruncate, boolean json, boolean dryRun) {
        this(command, resume, reset, noTruncate, json, dryRun, null, null, "command line");
    }

    public static RunRequest of(String command) {
        return new RunRequest(command, false, false, false, false, false);
    }

    /** The direct: endpoint of the route that serves this request. */
    public String endpoint() {
        return "direct:" + (dryRun ? command + "-plan" : command);
    }
}
