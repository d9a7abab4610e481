package org.sparkvi.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.function.DoubleUnaryOperator;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** histogram.png of a sample run: the two ways overlaid, with the exact law. */
public final class HistogramPlot {
    private HistogramPlot() {
    }

    /** Densities of the two histograms as step outlines (solid and dashed), and the exact density as a thin black line. */
    public static byte[] continuous(double lo, double hi, long[] direct, long[] reparameterized, long n,
                                    DoubleUnaryOperator density, String title) {
        int bins = direct.length;
        double width = (hi - lo) / bins;
        XYSeriesCollection hist = new XYSeriesCollection();
        hist.addSeries(steps("direct", lo, width, direct, n));
        hist.addSeries(steps("via reparameterization", lo, width, reparameterized, n));
        XYSeries exact = new XYSeries("exact density");
        for (int i = 0; i <= 400; i++) {
            double x = lo + (hi - lo) * i / 400;
            exact.add(x, density.applyAsDouble(x));
        }
        XYStepRenderer outlines = new XYStepRenderer();
        outlines.setSeriesPaint(0, Charts.color(0));
        outlines.setSeriesStroke(0, new BasicStroke(2.2f));
        outlines.setSeriesPaint(1, Charts.color(1));
        outlines.setSeriesStroke(1, new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 4}, 0));
        XYPlot plot = new XYPlot(hist, new NumberAxis("value"), new NumberAxis("density"), outlines);
        XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
        line.setSeriesPaint(0, Color.BLACK);
        line.setSeriesStroke(0, new BasicStroke(1.2f));
        plot.setDataset(1, new XYSeriesCollection(exact));
        plot.setRenderer(1, line);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return Charts.png(chart, 900, 550);
    }

    private static XYSeries steps(String name, double lo, double width, long[] counts, long n) {
        XYSeries s = new XYSeries(name);
        for (int i = 0; i < counts.length; i++) {
            s.add(lo + i * width, counts[i] / (n * width));
        }
        s.add(lo + counts.length * width, counts[counts.length - 1] / (n * width));
        return s;
    }

    /** Frequencies of each category, both ways, beside π. */
    public static byte[] categorical(double[] pi, long[] direct, long[] reparameterized, String title) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        long n = 0;
        for (long c : direct) {
            n += c;
        }
        for (int k = 0; k < pi.length; k++) {
            String cat = String.valueOf(k);
            data.addValue((double) direct[k] / n, "direct", cat);
            data.addValue((double) reparameterized[k] / n, "via reparameterization", cat);
            data.addValue(pi[k], "exact π", cat);
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "category", "frequency", data, PlotOrientation.VERTICAL,
                true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setSeriesPaint(0, Charts.color(0));
        r.setSeriesPaint(1, Charts.color(1));
        r.setSeriesPaint(2, Color.GRAY);
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        chart.setBackgroundPaint(Color.WHITE);
        return Charts.png(chart, 900, 550);
    }

}
