package org.sparkvi.vae;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkvi.UserInputException;
import org.sparkvi.io.AtomicOutput;

/**
 * A checkpoint at the end of an epoch: the parameters, Adam's moments and step, the epochs done and their metrics.
 * Every random draw is keyed by (seed, epoch, image), so this is the whole random state: training resumed from a
 * checkpoint ends exactly where an uninterrupted run does. Written atomically as {@code DIR/epoch-NNN/}.
 */
public record TrainingState(VaeConfig config, int epochsDone, double[] params, double[] adamM, double[] adamV,
                            long adamStep, List<EpochMetrics> metrics) {
    static final int MAGIC = 0x56414531; // "VAE1"

    /** Writes DIR/epoch-NNN and returns its path. */
    public String save(String dir, Configuration conf) {
        String name = String.format("%s/epoch-%03d", dir, epochsDone);
        try (AtomicOutput out = new AtomicOutput(org.sparkvi.io.OutputRequest.of(name, "vae-checkpoint"), conf)) {
            try (DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(out.create("state.bin"), 1 << 16))) {
                d.writeInt(MAGIC);
                d.writeInt(epochsDone);
                d.writeLong(adamStep);
                write(d, params);
                write(d, adamM);
                write(d, adamV);
                d.writeInt(metrics.size());
                for (EpochMetrics m : metrics) {
                    d.writeInt(m.epoch());
                    d.writeDouble(m.trainLoss());
                    d.writeDouble(m.testLoss());
                    d.writeDouble(m.seconds());
                    d.writeDouble(m.imagesPerSecond());
                }
            }
            out.writeString("config.json", org.sparkvi.io.Json.write(config));
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    private static void write(DataOutputStream d, double[] a) throws IOException {
        d.writeInt(a.length);
        for (double v : a) {
            d.writeDouble(v);
        }
    }

    private static double[] read(DataInputStream d) throws IOException {
        double[] a = new double[d.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = d.readDouble();
        }
        return a;
    }

    /** The latest checkpoint under dir (a checkpoint folder, or the folder of epoch-NNN checkpoints). */
    public static TrainingState latest(String dir, Configuration conf) {
        try {
            Path root = new Path(dir);
            FileSystem fs = root.getFileSystem(conf);
            Path chosen = null;
            if (fs.exists(new Path(root, "state.bin"))) {
                chosen = root;
            } else if (fs.exists(root)) {
                for (FileStatus s : fs.listStatus(root)) {
                    if (s.isDirectory() && s.getPath().getName().matches("epoch-\\d+")
                            && (chosen == null || s.getPath().getName().compareTo(chosen.getName()) > 0)) {
                        chosen = s.getPath();
                    }
                }
            }
            if (chosen == null) {
                throw new UserInputException("no checkpoint to resume from in " + dir);
            }
            VaeConfig config;
            try (InputStream in = fs.open(new Path(chosen, "config.json"))) {
                com.fasterxml.jackson.databind.JsonNode node = org.sparkvi.io.Json.MAPPER.readTree(in);
                VaeModel.recordedPrecision(node);
                config = org.sparkvi.io.Json.MAPPER.treeToValue(node, VaeConfig.class);
            }
            try (DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(fs.open(new Path(chosen, "state.bin")), 1 << 16))) {
                if (d.readInt() != MAGIC) {
                    throw new UserInputException(chosen + "/state.bin is not a sparkvi VAE checkpoint");
                }
                int epochs = d.readInt();
                long step = d.readLong();
                double[] p = read(d);
                double[] m = read(d);
                double[] v = read(d);
                int n = d.readInt();
                List<EpochMetrics> metrics = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    metrics.add(new EpochMetrics(d.readInt(), d.readDouble(), d.readDouble(), d.readDouble(), d.readDouble()));
                }
                return new TrainingState(config, epochs, p, m, v, step, metrics);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read a checkpoint from " + dir + ": " + e.getMessage(), e);
        }
    }

    static void writeDoubles(OutputStream out, double[] a) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        write(d, a);
        d.flush();
    }
}
