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
 */
public record RunRequest(String command, boolean resume, boolean reset, boolean noTruncate, boolean json, boolean dryRun) {

    public static RunRequest of(String command) {
        return new RunRequest(command, false, false, false, false, false);
    }

    /** The direct: endpoint of the route that serves this request. */
    public String endpoint() {
        return "direct:" + (dryRun ? command + "-plan" : command);
    }
}
