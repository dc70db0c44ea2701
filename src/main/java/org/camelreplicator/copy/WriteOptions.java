package org.camelreplicator.copy;

import org.camelreplicator.config.ReplicatorSettings.NulCharacters;

/** How a writer treats values the target cannot store as they are. */
public record WriteOptions(NulCharacters nul) {

    public static final WriteOptions STRICT = new WriteOptions(NulCharacters.FAIL);
}
