package org.sparkvi.ml;

import org.apache.spark.ml.param.Param;

/** The output and input column params of {@link Vae} and {@link VaeModel}, as the accessors Spark finds params by. */
public interface HasVaeOutputs {
    /** Where the params live. */
    VaeOutputParams outputParams();

    default Param<String> featuresCol() {
        return outputParams().featuresCol;
    }

    default Param<String> latentMeanCol() {
        return outputParams().latentMeanCol;
    }

    default Param<String> latentLogVarCol() {
        return outputParams().latentLogVarCol;
    }

    default Param<String> negElboCol() {
        return outputParams().negElboCol;
    }

    default Param<String> indexCol() {
        return outputParams().indexCol;
    }
}
