package org.sparkvi.cavi;

import org.sparkvi.io.Rejection;

import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;

/** One partition of a catalogue as read: its valid events as a block, its rejected records, and their counts. */
public record CataloguePartition(EventBlock block, List<Rejection> rejections, long records,
                                 TreeMap<String, Long> rejectedByReason) implements Serializable {

    /** What the driver collects of a partition: counts, not events. */
    public record Counts(long records, long used, long bytes, TreeMap<String, Long> rejectedByReason, String firstRejection)
            implements Serializable {
    }

    public Counts counts() {
        return new Counts(records, block.size, block.bytes(), rejectedByReason,
                rejections.isEmpty() ? null : rejections.get(0).message());
    }

    public CataloguePartition withBlock(EventBlock b) {
        return new CataloguePartition(b, rejections, records, rejectedByReason);
    }
}
