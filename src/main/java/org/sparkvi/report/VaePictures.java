package org.sparkvi.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkvi.vae.EpochMetrics;

/** The VAE's pictures: grids of 28×28 images, and the loss per epoch. */
public final class VaePictures {
    /** The PyTorch reference's training loss per epoch on full MNIST (../shared/anchors.md). */
    public static final double[] TORCH_TRAIN_LOSS = {169.85, 118.13, 103.05, 97.11, 93.74, 91.60, 89.90, 88.66, 87.52,
        86.72, 85.84, 85.20, 84.49, 84.00, 83.48};

    private VaePictures() {
    }

    /** A grid of rows × cols images (row-major, values in [0, 1] → white on black), each scaled up. */
    public static BufferedImage grid(double[] pixels, int count, int cols, int side, int scale, String title) {
        int rows = (count + cols - 1) / cols;
        int header = title == null ? 0 : 28;
        int pad = 2;
        int w = cols * (side * scale + pad) + pad;
        int h = rows * (side * scale + pad) + pad + header;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(0x303030));
        g.fillRect(0, 0, w, h);
        if (title != null) {
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, 6, 19);
        }
        for (int k = 0; k < count; k++) {
            int x0 = pad + (k % cols) * (side * scale + pad);
            int y0 = header + pad + (k / cols) * (side * scale + pad);
            for (int r = 0; r < side; r++) {
                for (int c = 0; c < side; c++) {
                    int v = (int) Math.round(255 * Math.max(0, Math.min(1, pixels[k * side * side + r * side + c])));
                    g.setColor(new Color(v, v, v));
                    g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
                }
            }
        }
        g.dispose();
        return img;
    }

    /** Test images (first row of each pair) above their reconstructions. */
    public static byte[] reconstructions(double[] originals, double[] reconstructions, int n, int cols) {
        double[] both = new double[2 * n * 784];
        int rows = (n + cols - 1) / cols;
        int k = 0;
        for (int r = 0; r < rows; r++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    if (i < n) {
                        System.arraycopy(pass == 0 ? originals : reconstructions, i * 784, both, k * 784, 784);
                    }
                    k++;
                }
            }
        }
        return Charts.png(grid(both, 2 * rows * cols, cols, 28, 3, "test images (odd rows) above their reconstructions"));
    }

    public static byte[] samples(double[] pixels, int n, int cols) {
        return Charts.png(grid(pixels, n, cols, 28, 3, "decoded z ~ N(0, I)"));
    }

    public static byte[] loss(List<EpochMetrics> metrics, boolean withReference) {
        double[] e = new double[metrics.size()];
        double[] train = new double[e.length];
        double[] test = new double[e.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = metrics.get(i).epoch();
            train[i] = metrics.get(i).trainLoss();
            test[i] = metrics.get(i).testLoss();
        }
        Map<String, double[][]> s = new LinkedHashMap<>();
        s.put("train loss per image", new double[][] {e, train});
        s.put("test -ELBO per image", new double[][] {e, test});
        if (withReference) {
            double[] re = new double[TORCH_TRAIN_LOSS.length];
            for (int i = 0; i < re.length; i++) {
                re[i] = i + 1;
            }
            s.put("PyTorch reference, train (anchors.md)", new double[][] {re, TORCH_TRAIN_LOSS});
        }
        return Charts.png(Charts.lineChart("VAE on MNIST: -ELBO per image (nats)", "epoch", "nats per image", s, false, true),
                900, 550);
    }
}
