package org.sparkvi.cavi;

import org.sparkvi.io.Rejection;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.TreeMap;

/** One partition of a catalogue as read: its valid events as a block, its rejected records, and their counts. */
public record CataloguePartition(EventBlock block, List<Rejection> rejections, long records,
                                 TreeMap<String, Long> rejectedByReason, IdHashes idHashes) implements Serializable {

    /**
     * What the driver collects of a partition: counts, not events; and the sorted 64-bit hashes of its ids, as bytes
     * in native order (Java serialisation writes a long[] a long at a time and a byte[] in one copy: 28 MB of
     * hashes from a 3.5M-event partition took over a second to hand over, cold).
     */
    public record Counts(long records, long used, long bytes, TreeMap<String, Long> rejectedByReason, String firstRejection,
                         byte[] idHashBytes) implements Serializable {
        public Counts(long records, long used, long bytes, TreeMap<String, Long> rejectedByReason, String firstRejection,
                      long[] idHashes) {
            this(records, used, bytes, rejectedByReason, firstRejection, idHashes == null ? null : pack(idHashes));
        }

        /** The sorted hashes, read in place from their bytes, or null when the catalogue has no id column. */
        public java.nio.LongBuffer sortedIdHashes() {
            return idHashBytes == null ? null : ByteBuffer.wrap(idHashBytes).order(ByteOrder.nativeOrder()).asLongBuffer();
        }

        private static byte[] pack(long[] values) {
            byte[] out = new byte[values.length * Long.BYTES];
            ByteBuffer.wrap(out).order(ByteOrder.nativeOrder()).asLongBuffer().put(values);
            return out;
        }
    }

    /**
     * The XXH64 hashes of the partition's ids (every record with one, rejected or not), sorted, held only until the
     * driver has collected them: equal ids have equal hashes, so no repeated hash across the whole catalogue means
     * no repeated id, without a shuffle of the ids.
     */
    public static final class IdHashes implements Serializable {
        private static final long serialVersionUID = 1L;
        private long[] sorted;

        IdHashes(long[] sorted) {
            this.sorted = sorted;
        }

        synchronized long[] take() {
            long[] out = sorted;
            sorted = null;
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
