package org.sparkvi.ml;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkvi.io.CatalogueReader;
import org.sparkvi.io.CoordinateSystem;
import org.sparkvi.io.StrengthSpec;

/**
 * The params that say where the events are in a DataFrame and where the results go, shared by {@link CaviClustering}
 * and {@link CaviClusteringModel}: the location (a Vector column, or latitude/longitude/depth columns), the
 * strength, the weight, and the output columns.
 */
public final class CaviColumnParams implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Names of the x-columns the Vector column is spread into for the loader. */
    static final String X_PREFIX = "_sparkvi_x";

    final Param<String> featuresCol;
    final Param<String> coords;
    final DoubleArrayParam station;
    final Param<String> latitudeCol;
    final Param<String> longitudeCol;
    final Param<String> depthCol;
    final Param<String> strength;
    final Param<String> strengthCol;
    final Param<String> weightCol;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    private final Params owner;

    CaviColumnParams(Params owner) {
        this.owner = owner;
        featuresCol = new Param<>(owner, "featuresCol", "the Vector column of locations in model space (coords identity)");
        coords = new Param<>(owner, "coords", "location model: identity (featuresCol), ecef, hypocenter, lonlat, "
                + "local-km, radial (with station)", ParamChecks.of((String v) -> CoordinateSystem.parseKind(v)));
        station = new DoubleArrayParam(owner, "station", "latitude and longitude of the station (coords radial)");
        latitudeCol = new Param<>(owner, "latitudeCol", "latitude column (degrees), for geographic coords");
        longitudeCol = new Param<>(owner, "longitudeCol", "longitude column (degrees), for geographic coords");
        depthCol = new Param<>(owner, "depthCol", "depth column (km, positive down), for coords hypocenter");
        strength = new Param<>(owner, "strength", "mag10: S = round(10 * strengthCol) clipped at 0 (strengthCol a "
                + "magnitude); count: strengthCol is the non-negative integer S",
                ParamChecks.of((String v) -> strengthSpec(v, "mag")));
        strengthCol = new Param<>(owner, "strengthCol", "the magnitude (strength mag10) or count (strength count) column");
        weightCol = new Param<>(owner, "weightCol", "optional per-event weights >= 0; empty for none");
        predictionCol = new Param<>(owner, "predictionCol", "the most likely cluster (int); empty to skip");
        probabilityCol = new Param<>(owner, "probabilityCol", "the responsibilities (Vector); empty to skip");
        owner.setDefault(featuresCol, "features");
        owner.setDefault(coords, "identity");
        owner.setDefault(latitudeCol, "latitude");
        owner.setDefault(longitudeCol, "longitude");
        owner.setDefault(depthCol, "depth");
        owner.setDefault(strength, "mag10");
        owner.setDefault(strengthCol, "mag");
        owner.setDefault(weightCol, "");
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(probabilityCol, "probability");
    }

    String get(Param<String> p) {
        return owner.getOrDefault(p);
    }

    static StrengthSpec strengthSpec(String strength, String column) {
        return switch (strength) {
            case "mag10" -> new StrengthSpec(column, true);
            case "count" -> StrengthSpec.column(column);
            default -> throw new IllegalArgumentException("strength must be mag10 or count, got '" + strength + "'");
        };
    }

    StrengthSpec strengthSpec() {
        return strengthSpec(get(strength), get(strengthCol));
    }

    String weightColumn() {
        String w = get(weightCol);
        return w == null || w.isBlank() ? null : w;
    }

    CoordinateSystem.Kind kind() {
        return CoordinateSystem.parseKind(get(coords));
    }

    /** The coordinate system; for identity, D is the size of the Vector column (from its metadata, else its first row). */
    CoordinateSystem coordinateSystem(Dataset<?> dataset) {
        CoordinateSystem.Kind kind = kind();
        return switch (kind) {
            case IDENTITY -> new CoordinateSystem(kind, Double.NaN, Double.NaN, xColumns(dimension(dataset)));
            case RADIAL -> {
                if (!owner.isDefined(station) || owner.getOrDefault(station).length != 2) {
                    throw new IllegalArgumentException("coords radial needs station = {latitude, longitude}");
                }
                double[] s = owner.getOrDefault(station);
                yield new CoordinateSystem(kind, s[0], s[1], List.of());
            }
            default -> CoordinateSystem.of(kind);
        };
    }

    private int dimension(Dataset<?> dataset) {
        String f = get(featuresCol);
        int size = AttributeGroup.fromStructField(dataset.schema().apply(f)).size();
        if (size > 0) {
            return size;
        }
        Row first = dataset.select(col(f)).where(col(f).isNotNull()).first();
        return ((Vector) first.get(0)).size();
    }

    static List<String> xColumns(int d) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add(X_PREFIX + j);
        }
        return names;
    }

    /** The DataFrame as a catalogue for the loader: the columns it reads, under the names it reads them by. */
    CatalogueReader.Source source(Dataset<?> dataset, CoordinateSystem cs) {
        List<Column> cols = new ArrayList<>();
        if (cs.kind() == CoordinateSystem.Kind.IDENTITY) {
            Column array = org.apache.spark.ml.functions.vector_to_array(col(q(get(featuresCol))), "float64");
            for (int j = 0; j < cs.dim(); j++) {
                cols.add(array.getItem(j).as(X_PREFIX + j));
            }
        } else {
            cols.add(col(q(get(latitudeCol))).as("latitude"));
            cols.add(col(q(get(longitudeCol))).as("longitude"));
            if (cs.usesDepth()) {
                cols.add(col(q(get(depthCol))).as("depth"));
            }
        }
        cols.add(col(q(get(strengthCol))).as(strengthName()));
        if (weightColumn() != null) {
            cols.add(col(q(weightColumn())).as("_sparkvi_weight"));
        }
        @SuppressWarnings("unchecked")
        Dataset<Row> rows = ((Dataset<Row>) dataset).select(cols.toArray(new Column[0]));
        return CatalogueReader.fromDataFrame(rows, "DataFrame");
    }

    /** The strength column's name in {@link #source}: the loader finds mag10's magnitude under its own name. */
    String strengthName() {
        return "_sparkvi_strength";
    }

    StrengthSpec loaderStrength() {
        return strengthSpec(get(strength), strengthName());
    }

    String loaderWeight() {
        return weightColumn() == null ? null : "_sparkvi_weight";
    }

    private static String q(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** Checks the input columns and adds the output ones (prediction int, probability Vector) unless named empty. */
    StructType outputSchema(StructType schema, boolean fitting) {
        List<String> required = new ArrayList<>();
        if (kind() == CoordinateSystem.Kind.IDENTITY) {
            required.add(get(featuresCol));
        } else {
            required.add(get(latitudeCol));
            required.add(get(longitudeCol));
            if (kind() == CoordinateSystem.Kind.HYPOCENTER) {
                required.add(get(depthCol));
            }
        }
        required.add(get(strengthCol));
        if (fitting && weightColumn() != null) {
            required.add(weightColumn());
        }
        for (String c : required) {
            if (!List.of(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("column '" + c + "' not found; the columns are "
                        + List.of(schema.fieldNames()));
            }
        }
        if (kind() == CoordinateSystem.Kind.IDENTITY
                && !schema.apply(get(featuresCol)).dataType().equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException("column '" + get(featuresCol) + "' must be a Vector (VectorAssembler's "
                    + "output), got " + schema.apply(get(featuresCol)).dataType().simpleString());
        }
        StructType out = schema;
        if (!get(predictionCol).isEmpty()) {
            out = out.add(new StructField(get(predictionCol), DataTypes.IntegerType, true, org.apache.spark.sql.types.Metadata.empty()));
        }
        if (!get(probabilityCol).isEmpty()) {
            out = out.add(new StructField(get(probabilityCol), SQLDataTypes.VectorType(), true, org.apache.spark.sql.types.Metadata.empty()));
        }
        return out;
    }
}
