package org.sparkvi.ml;

import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;

/**
 * The column params of {@link CaviClustering} and {@link CaviClusteringModel}, as the public accessors by which
 * Spark finds params (a Java class cannot inherit them from two superclasses, so an interface carries them).
 */
public interface HasCaviColumns {
    /** Where the params live. */
    CaviColumnParams columnParams();

    default Param<String> featuresCol() {
        return columnParams().featuresCol;
    }

    default Param<String> coords() {
        return columnParams().coords;
    }

    default DoubleArrayParam station() {
        return columnParams().station;
    }

    default Param<String> latitudeCol() {
        return columnParams().latitudeCol;
    }

    default Param<String> longitudeCol() {
        return columnParams().longitudeCol;
    }

    default Param<String> depthCol() {
        return columnParams().depthCol;
    }

    default Param<String> strength() {
        return columnParams().strength;
    }

    default Param<String> strengthCol() {
        return columnParams().strengthCol;
    }

    default Param<String> weightCol() {
        return columnParams().weightCol;
    }

    default Param<String> predictionCol() {
        return columnParams().predictionCol;
    }

    default Param<String> probabilityCol() {
        return columnParams().probabilityCol;
    }
}
