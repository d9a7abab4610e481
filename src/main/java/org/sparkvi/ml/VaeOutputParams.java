package org.sparkvi.ml;

import java.io.Serializable;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The pixel column and what a fitted VAE adds to each image (empty name: skipped), shared by {@link Vae} and {@link VaeModel}. */
public final class VaeOutputParams implements Serializable {
    private static final long serialVersionUID = 1L;
    final Param<String> featuresCol;
    final Param<String> latentMeanCol;
    final Param<String> latentLogVarCol;
    final Param<String> negElboCol;
    final Param<String> indexCol;
    private final Params owner;

    VaeOutputParams(Params owner) {
        this.owner = owner;
        featuresCol = new Param<>(owner, "featuresCol", "784 pixel intensities in [0, 1]: a Vector or a numeric array");
        latentMeanCol = new Param<>(owner, "latentMeanCol", "the encoder's mean of z (Vector): the embedding");
        latentLogVarCol = new Param<>(owner, "latentLogVarCol", "the encoder's log-variance of z (Vector)");
        negElboCol = new Param<>(owner, "negElboCol", "the image's negative ELBO in nats (double): an anomaly score");
        indexCol = new Param<>(owner, "indexCol", "optional long column keying each image's epsilon (the vae command's "
                + "test figure keys it by the image's position in the test set); empty: keyed by the pixels' hash");
        owner.setDefault(featuresCol, "features");
        owner.setDefault(latentMeanCol, "latent_mean");
        owner.setDefault(latentLogVarCol, "latent_logvar");
        owner.setDefault(negElboCol, "neg_elbo");
        owner.setDefault(indexCol, "");
    }

    String get(Param<String> p) {
        return owner.getOrDefault(p);
    }

    StructType outputSchema(StructType schema, int latent) {
        StructType out = schema;
        if (!get(latentMeanCol).isEmpty()) {
            out = out.add(get(latentMeanCol), SQLDataTypes.VectorType(), true);
        }
        if (!get(latentLogVarCol).isEmpty()) {
            out = out.add(get(latentLogVarCol), SQLDataTypes.VectorType(), true);
        }
        if (!get(negElboCol).isEmpty()) {
            out = out.add(get(negElboCol), DataTypes.DoubleType, true);
        }
        return out;
    }
}
