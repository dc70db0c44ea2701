package org.camelreplicator.run;

import java.util.List;

import org.camelreplicator.observe.RunReport;
import org.camelreplicator.plan.RunRequest;
import org.camelreplicator.plan.TablePlan;

/**
 * The state of one run that every step of it shares, carried as the exchange property
 * {@value #PROPERTY}: its ledger id, the request and the report being built.
 */
public record RunContext(long runId, RunRequest request, List<TablePlan> tables, RunReport report) {

    public static final String PROPERTY = "replicatorRun";

    /**
     * The route variable a doCatch keeps a table's failure in for the step that records it: a
     * retry of that step replaces the exchange's caught exception with its own.
     */
    public static final String FAILURE = "failure";

    /** The run an exchange belongs to. */
    public static RunContext of(org.apache.camel.Exchange exchange) {
        return exchange.getProperty(PROPERTY, RunContext.class);
    }
}
