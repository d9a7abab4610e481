package org.sparkvi.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * A tree aggregation whose merge order is fixed by partition index, so that floating-point sums are bit-identical
 * from run to run and after task retries. (RDD.treeAggregate merges results in the order tasks finish and shuffle
 * blocks arrive, which changes the last bits.) Each partition folds its elements; groups of {@code fanIn}
 * consecutive partitions are merged in index order, level by level, until at most {@code fanIn} remain, which the
 * driver merges in index order.
 */
public final class OrderedTreeAggregate {
    private OrderedTreeAggregate() {
    }

    /** A serialisable source of fresh zero values. */
    public interface Zero<U> extends Supplier<U>, Serializable {
    }

    public static <T, U extends Serializable> U aggregate(JavaRDD<T> rdd, Zero<U> zero, Function2<U, T, U> seqOp,
                                                          Function2<U, U, U> combOp, int fanIn) {
        if (rdd.getNumPartitions() <= fanIn) {
            return oneJob(rdd, zero, seqOp, combOp);
        }
        JavaPairRDD<Integer, U> level = rdd.mapPartitionsWithIndex(
                (index, it) -> List.of(new Tuple2<>(index, foldPartition(it, zero, seqOp))).iterator(), true)
                .mapToPair(t -> t);
        int n = rdd.getNumPartitions();
        while (n > fanIn) {
            int next = (n + fanIn - 1) / fanIn;
            level = level.mapToPair(t -> new Tuple2<>(t._1() / fanIn, t))
                    .groupByKey(new HashPartitioner(next))
                    .mapToPair(g -> {
                        List<Tuple2<Integer, U>> parts = new ArrayList<>();
                        g._2().forEach(parts::add);
                        return new Tuple2<>(g._1(), fold(parts, zero, combOp));
                    });
            n = next;
        }
        return merge(new ArrayList<>(level.collect()), zero, combOp);
    }

    /**
     * The same aggregation over partitions already in the driver's memory (each a list of its elements, in index
     * order): the same per-partition folds and the same merge tree as {@link #aggregate} over an RDD with these
     * partitions, so the same bits.
     */
    public static <T, U> U inMemory(List<? extends List<T>> partitions, Zero<U> zero, Function2<U, T, U> seqOp,
                                    Function2<U, U, U> combOp, int fanIn) {
        return inMemory(partitions, zero, seqOp, combOp, fanIn, null);
    }

    /**
     * As {@link #inMemory(List, Zero, Function2, Function2, int)}, the partitions folded at once on {@code threads}
     * (null: one after another on the caller's thread): each fold starts from its own zero and the merge tree is
     * unchanged, so the bits are too.
     */
    public static <T, U> U inMemory(List<? extends List<T>> partitions, Zero<U> zero, Function2<U, T, U> seqOp,
                                    Function2<U, U, U> combOp, int fanIn, java.util.concurrent.ForkJoinPool threads) {
        try {
            List<Tuple2<Integer, U>> level = new ArrayList<>();
            if (threads == null || partitions.size() < 2) {
                for (int i = 0; i < partitions.size(); i++) {
                    level.add(new Tuple2<>(i, foldPartition(partitions.get(i).iterator(), zero, seqOp)));
                }
            } else {
                List<java.util.concurrent.ForkJoinTask<U>> folds = new ArrayList<>();
                for (List<T> p : partitions) {
                    folds.add(threads.submit(() -> foldPartition(p.iterator(), zero, seqOp)));
                }
                for (int i = 0; i < folds.size(); i++) {
                    level.add(new Tuple2<>(i, join(folds.get(i))));
                }
            }
            while (level.size() > fanIn) {
                List<Tuple2<Integer, U>> next = new ArrayList<>();
                for (int from = 0; from < level.size(); from += fanIn) {
                    List<Tuple2<Integer, U>> group = new ArrayList<>(level.subList(from, Math.min(level.size(), from + fanIn)));
                    next.add(new Tuple2<>(from / fanIn, fold(group, zero, combOp)));
                }
                level = next;
            }
            return fold(level, zero, combOp);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * One job straight on the RDD, its per-partition fold a named function class: Spark's closure cleaner lets
     * such an object through at once, where the Java API's wrappers (and collect's own lambda) are Scala closures
     * that it checks by reading and parsing their declaring classes' bytecode, JavaRDDLike's and RDD's, on every
     * job (several ms of driver CPU per job on a 2-core machine, taken from the tasks running beside it).
     */
    private static <T, U> U oneJob(JavaRDD<T> rdd, Zero<U> zero, Function2<U, T, U> seqOp, Function2<U, U, U> combOp) {
        Object[] parts = (Object[]) rdd.context().runJob(rdd.rdd(), new FoldPartition<>(zero, seqOp),
                ClassTag$.MODULE$.apply(Object.class));
        List<Tuple2<Integer, U>> indexed = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            @SuppressWarnings("unchecked")
            U part = (U) parts[i];
            indexed.add(new Tuple2<>(i, part));
        }
        return merge(indexed, zero, combOp);
    }

    /** The driver's merge of the partial results, in index order. */
    private static <U> U merge(List<Tuple2<Integer, U>> parts, Zero<U> zero, Function2<U, U, U> combOp) {
        try {
            return fold(parts, zero, combOp);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("merging partial results failed: " + e.getMessage(), e);
        }
    }

    /** The task's result, its own exception rethrown as it was thrown (not wrapped). */
    private static <U> U join(java.util.concurrent.ForkJoinTask<U> task) throws Exception {
        try {
            return task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
        }
    }

    /** A partition's elements folded into a fresh zero, in order. */
    private static <T, U> U foldPartition(java.util.Iterator<T> it, Zero<U> zero, Function2<U, T, U> seqOp)
            throws Exception {
        U acc = zero.get();
        while (it.hasNext()) {
            acc = seqOp.call(acc, it.next());
        }
        return acc;
    }

    /** A partition's fold from a fresh zero. */
    private static final class FoldPartition<T, U> extends AbstractFunction2<TaskContext, Iterator<T>, U>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final Zero<U> zero;
        private final Function2<U, T, U> seqOp;

        FoldPartition(Zero<U> zero, Function2<U, T, U> seqOp) {
            this.zero = zero;
            this.seqOp = seqOp;
        }

        @Override
        public U apply(TaskContext context, Iterator<T> it) {
            try {
                return foldPartition(CollectionConverters.asJava(it), zero, seqOp);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }

    private static <U> U fold(List<Tuple2<Integer, U>> parts, Zero<U> zero, Function2<U, U, U> combOp) throws Exception {
        parts.sort(Comparator.comparing(Tuple2::_1));
        U acc = zero.get();
        for (Tuple2<Integer, U> p : parts) {
            acc = combOp.call(acc, p._2());
        }
        return acc;
    }
}
