package org.camelreplicator.run;

/** A load was triggered while another one runs in this process: loads on one target never overlap. */
public class LoadRunningException extends IllegalStateException {

    public LoadRunningException(String message) {
        super(message);
    }
}
