package org.camelreplicator.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.util.function.Suppliers;
import org.apache.camel.support.DefaultExchange;
import org.camelreplicator.copy.BadValueException;
import org.camelreplicator.copy.Batch;
import org.camelreplicator.copy.ChunkTransactions;
import org.camelreplicator.copy.RefusedRow;
import org.camelreplicator.copy.RouteTransaction;
import org.camelreplicator.copy.RowBatch;
import org.camelreplicator.run.TransientFaults;
import org.camelreplicator.observe.Errors;
import org.camelreplicator.plan.ColumnTransform;

/**
 * Sends each row of a batch through its table's transform route (routes/transforms.camel.yaml calls
 * it for the batches of a table that has one): the row's values go in as headers named by the source
 * columns, and the headers the route leaves are read back as the row to write, in the order
 * {@link ColumnTransform#output()} gives. Rows stay in memory, one batch at a time; the route runs on
 * the copy's thread, once per row, on an exchange of the row's own.
 *
 * <p>A row the route fails on follows the run's fault rules: a transient failure (a lookup that lost
 * its connection) is thrown as it is, so the chunk or the sync read is retried from its start; any
 * other stops the table with a message naming table, column (the step that failed), row key and the
 * setting, or, with replicator.on-bad-row=reject in a load, becomes a reject of that row.
 */
public final class RowTransforms {

    /** Properties of a row's exchange, for a lookup's message: the table's id and the row's key. */
    public static final String TABLE = "replicatorTransformTable";
    public static final String ROW_KEY = "replicatorTransformRowKey";
    public static final String SETTING = "replicatorTransformSetting";

    private final CamelContext context;
    private final TransientFaults faults;
    /** Created at first use: the context is not started yet when this bean is. */
    private final Supplier<ProducerTemplate> template;

    public RowTransforms(CamelContext context, TransientFaults faults) {
        this.context = context;
        this.template = Suppliers.memorize(context::createProducerTemplate);
        this.faults = faults;
    }

    public RowBatch apply(Batch batch, Exchange exchange) throws Exception {
        ColumnTransform transform = exchange.getProperty(RouteTransaction.TRANSFORM, ColumnTransform.class);
        if (!(batch instanceof RowBatch rows)) {
            throw new IllegalStateException("The rows of " + transform.source().qualifiedName() + " reached its transform as "
                    + batch.getClass().getSimpleName() + " instead of values; the reader of a transformed table must give values");
        }
        // set by a load's chunk (true with on-bad-row=reject); a sync read has no rejects table
        Boolean load = exchange.getProperty(ChunkTransactions.TRANSFORM_REJECTS, Boolean.class);
        boolean rejects = Boolean.TRUE.equals(load);
        ProducerTemplate producer = template.get();
        Endpoint endpoint = context.getEndpoint(transform.endpoint());
        List<String> in = transform.sourceColumns();
        List<String> out = transform.outputColumns();
        Set<String> known = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        known.addAll(out);
        List<Object[]> written = new ArrayList<>(rows.size());
        List<RefusedRow> refused = new ArrayList<>(rows.refused());
        for (Object[] row : rows.rows()) {
            String key = BadValueException.rowKey(transform.source(), row);
            Exchange one = new DefaultExchange(context);
            for (int i = 0; i < row.length; i++) {
                one.getIn().setHeader(in.get(i), row[i]);
            }
            one.setProperty(TABLE, transform.source().qualifiedName());
            one.setProperty(ROW_KEY, key);
            one.setProperty(SETTING, transform.setting() + "=" + transform.route());
            producer.send(endpoint, one);
            Exception failure = one.getException();
            String problem = null;
            if (failure == null) {
                Map<String, Object> headers = one.getIn().getHeaders();
                for (String header : headers.keySet()) {
                    if (!known.contains(header) && !header.startsWith("Camel")) {
                        problem = "the route left header " + header + ", which is no column of its shape (a column the route adds is"
                                + " declared by a setHeader step; one set another way, by a processor or a bean, is not seen when the"
                                + " target table is created). Set it with setHeader, or remove it before the route ends";
                        break;
                    }
                }
                if (problem == null) {
                    Object[] result = new Object[out.size()];
                    for (int i = 0; i < result.length; i++) {
                        result[i] = headers.get(out.get(i));
                    }
                    written.add(result);
                    continue;
                }
            } else if (faults.isTransient(failure)) {
                throw failure;
            }
            String column = one.getProperty(TransformSteps.FAILED_COLUMN, String.class);
            String message = "Table " + transform.source().qualifiedName() + (column == null ? "" : ", column " + column)
                    + ", row " + key + ": the transform route " + transform.route() + " (" + transform.setting() + ")"
                    + (failure == null ? " failed: " + problem
                    : " failed" + (column == null ? "" : " at setHeader[" + column + "]") + ": " + Errors.describe(failure));
            if (rejects) {
                refused.add(new RefusedRow(key, message, RowBatch.text(row)));
                continue;
            }
            throw new TransformException(message + (load != null ? ". Fix the route or the source row, or set replicator.on-bad-row=reject"
                    + " to copy the table without such rows and record them in the ledger table rejects"
                    : ". Fix the route or the source row; sync stops the table on such a row (it has no rejects table), and the next"
                    + " sync reads it again"), failure);
        }
        return new RowBatch(written, refused);
    }

    /** A row the transform failed on, for good: the table stops, naming the row. */
    public static final class TransformException extends RuntimeException {
        TransformException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
