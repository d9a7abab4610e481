package org.sparkvi.report;

import java.awt.BasicStroke;
import java.awt.Color;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The ELBO trace in two panels sharing the iteration axis: the ELBO itself, and its distance to the final value
 * on a log scale (how fast CAVI converges, invisible on the first panel after a few iterations).
 */
public final class ElboPlot {
    private ElboPlot() {
    }

    public static byte[] render(double[] elboTrace, String title) {
        XYSeries elbo = new XYSeries("ELBO");
        XYSeries gap = new XYSeries("final ELBO − ELBO");
        double last = elboTrace[elboTrace.length - 1];
        for (int i = 0; i < elboTrace.length; i++) {
            elbo.add(i + 1, elboTrace[i]);
            if (last - elboTrace[i] > 0) {
                gap.add(i + 1, last - elboTrace[i]);
            }
        }
        NumberAxis elboAxis = new NumberAxis("ELBO (nats)");
        elboAxis.setAutoRangeIncludesZero(false);
        XYPlot top = new XYPlot(new XYSeriesCollection(elbo), null, elboAxis, renderer(Charts.color(0)));
        LogAxis gapAxis = new LogAxis("final − ELBO (nats)");
        gapAxis.setAutoRange(true);
        XYPlot bottom = new XYPlot(new XYSeriesCollection(gap), null, gapAxis, renderer(Charts.color(1)));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("iteration"));
        plot.add(top, 3);
        if (gap.getItemCount() > 0) {
            plot.add(bottom, 2);
        }
        for (Object p : plot.getSubplots()) {
            XYPlot xy = (XYPlot) p;
            xy.setBackgroundPaint(Color.WHITE);
            xy.setDomainGridlinePaint(new Color(0xDDDDDD));
            xy.setRangeGridlinePaint(new Color(0xDDDDDD));
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return Charts.png(chart, 900, 600);
    }

    private static XYLineAndShapeRenderer renderer(Color c) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, c);
        r.setSeriesStroke(0, new BasicStroke(2f));
        return r;
    }
}
