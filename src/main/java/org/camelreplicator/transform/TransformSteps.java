package org.camelreplicator.transform;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.SetHeaderDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Names the step a row failed at: each {@code setHeader} step is wrapped so that a failure records
 * its column in the row's exchange ({@link #FAILED_COLUMN}), which {@link RowTransforms} puts into the
 * message (table, column, row key, setting). Camel keeps no such record unless message history is
 * on, which would cost an object per step of every row. Other steps are left as they are.
 */
public final class TransformSteps implements InterceptStrategy {

    /** Exchange property: the column of the setHeader step that failed. */
    public static final String FAILED_COLUMN = "replicatorTransformFailedColumn";

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        if (!(definition instanceof SetHeaderDefinition set)) {
            return target;
        }
        String column = set.getName();
        return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(target)) {
            @Override
            public boolean process(Exchange exchange, AsyncCallback callback) {
                return processor.process(exchange, doneSync -> {
                    if (exchange.getException() != null && exchange.getProperty(FAILED_COLUMN) == null) {
                        exchange.setProperty(FAILED_COLUMN, column);
                    }
                    callback.done(doneSync);
                });
            }
        };
    }
}
