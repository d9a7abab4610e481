package org.sparkvi.cavi;

import org.sparkvi.io.Rejection;

import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;

/** One partition of a catalogue as read: its valid events as a block, its rejected records, and their counts. */
public record CataloguePartition(EventBlock block, List<Rejection> rejections, long records,
                                 TreeMap<String, Long> rejectedByReason, IdHashes idHashes) implements Serializable {

    /**
     * What the driver collects of a partition: counts, not events; and the 64-bit hashes of its ids grouped by
     * bucket ({@link IdHashBuckets}), null when the catalogue has no id column.
     */
    public record Counts(long records, long used, long bytes, TreeMap<String, Long> rejectedByReason, String firstRejection,
                         IdHashBuckets.Grouped idHashes) implements Serializable {
    }

    /**
     * The XXH64 hashes of the partition's ids (every record with one, rejected or not), grouped by bucket, held only
     * until the driver has collected them: equal ids have equal hashes, so no repeated hash across the whole
     * catalogue means no repeated id, without a shuffle of the ids.
     */
    public static final class IdHashes implements Serializable {
        private static final long serialVersionUID = 2L;
        private IdHashBuckets.Grouped grouped;

        IdHashes(IdHashBuckets.Grouped grouped) {
            this.grouped = grouped;
        }

        synchronized IdHashBuckets.Grouped take() {
            IdHashBuckets.Grouped out = grouped;
            grouped = null;
            return out;
        }
    }

    public Counts counts() {
        return new Counts(records, block.size, block.bytes(), rejectedByReason,
                rejections.isEmpty() ? null : rejections.get(0).message(), idHashes == null ? null : idHashes.take());
    }

    public CataloguePartition withBlock(EventBlock b) {
        return new CataloguePartition(b, rejections, records, rejectedByReason, null);
    }
}
