package org.sparkvi.cli;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Spark's Kryo cannot serialise Java records by its field serializer; when a cluster turns Kryo on, the records
 * the jobs move between tasks go through Java serialization instead. Set by {@link SparkSessions}.
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : new Class<?>[] {org.sparkvi.io.Rejection.class, org.sparkvi.io.CataloguePartition.class,
                org.sparkvi.io.CataloguePartition.Counts.class, org.sparkvi.cavi.KMeansPlusPlus.Candidate.class,
                org.sparkvi.io.CoordinateSystem.class, org.sparkvi.io.StrengthSpec.class,
                org.sparkvi.cavi.Hyperparameters.class, org.sparkvi.cavi.MapSample.class}) {
            kryo.register(c, new JavaSerializer());
        }
    }
}
