package org.sparkvi.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Spark's Kryo cannot serialise Java records by its field serializer (a record's fields are final and it has no
 * no-argument constructor); when a cluster turns Kryo on, every record the jobs move between tasks goes through
 * Java serialization instead. Set by {@link SparkSessions}.
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.addDefaultSerializer(Record.class, new JavaSerializer());
    }
}
