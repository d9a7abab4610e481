package org.sparkvi.cavi;

import java.io.Serializable;

/**
 * One row of assignments.parquet as a bean, so that Spark's generated encoder writes it (the responsibilities go in
 * as a primitive array) instead of converting boxed values row by row.
 */
public final class AssignmentRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private String id;
    private long index;
    private int cluster;
    private double probability;
    private double[] responsibilities;

    public AssignmentRow() {
    }

    AssignmentRow(String id, long index, int cluster, double probability, double[] responsibilities) {
        this.id = id;
        this.index = index;
        this.cluster = cluster;
        this.probability = probability;
        this.responsibilities = responsibilities;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public long getIndex() {
        return index;
    }

    public void setIndex(long index) {
        this.index = index;
    }

    public int getCluster() {
        return cluster;
    }

    public void setCluster(int cluster) {
        this.cluster = cluster;
    }

    public double getProbability() {
        return probability;
    }

    public void setProbability(double probability) {
        this.probability = probability;
    }

    public double[] getResponsibilities() {
        return responsibilities;
    }

    public void setResponsibilities(double[] responsibilities) {
        this.responsibilities = responsibilities;
    }
}
