package org.sparkvi.io;

import java.io.Serializable;
import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * Groups an RDD's partitions, whose row counts are known, into a given number of partitions of about equal rows:
 * largest first, each into the group with the fewest rows so far (ties to the lower group), partitions in index
 * order within a group. Deterministic: the same counts give the same groups.
 */
final class BalancedGroups implements PartitionCoalescer, Serializable {
    private static final long serialVersionUID = 1L;
    private final int[][] members;
    private final long[] rows;

    BalancedGroups(long[] partitionRows, int groups) {
        int g = Math.max(1, groups);
        rows = new long[g];
        Integer[] bySize = new Integer[partitionRows.length];
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = i;
        }
        java.util.Arrays.sort(bySize, (a, b) -> partitionRows[a] != partitionRows[b]
                ? Long.compare(partitionRows[b], partitionRows[a]) : Integer.compare(a, b));
        java.util.List<java.util.List<Integer>> lists = new java.util.ArrayList<>();
        for (int i = 0; i < g; i++) {
            lists.add(new java.util.ArrayList<>());
        }
        for (int p : bySize) {
            int least = 0;
            for (int i = 1; i < g; i++) {
                if (rows[i] < rows[least]) {
                    least = i;
                }
            }
            lists.get(least).add(p);
            rows[least] += partitionRows[p];
        }
        members = new int[g][];
        for (int i = 0; i < g; i++) {
            members[i] = lists.get(i).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
    }

    int count() {
        return members.length;
    }

    /** The rows of each group. */
    long[] rows() {
        return rows.clone();
    }

    /** The partitions of group i, in index order. */
    int[] members(int i) {
        return members[i].clone();
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] parts = parent.partitions();
        PartitionGroup[] out = new PartitionGroup[members.length];
        for (int i = 0; i < members.length; i++) {
            out[i] = new PartitionGroup(Option.empty());
            for (int p : members[i]) {
                out[i].partitions().addOne(parts[p]);
            }
        }
        return out;
    }
}
