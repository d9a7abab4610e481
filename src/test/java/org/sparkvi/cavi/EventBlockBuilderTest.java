package org.sparkvi.cavi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The builder's chunks (of growing size, ids in chunks of their own) come out as one block holding every value,
 * whether it was told how many events to expect or not, and whether that many, fewer or more arrived.
 */
class EventBlockBuilderTest {
    @Test
    void aBlockOfManyChunksHoldsEveryEventInOrder() {
        int n = 3 * EventBlock.Builder.CHUNK + 1234;
        for (int expected : new int[] {0, n, n + 777, n / 3, 1})
        for (boolean report : new boolean[] {true, false}) {
            EventBlock.Builder bb = new EventBlock.Builder(3, true, report, expected);
            for (int i = 0; i < n; i++) {
                String id = i % 11 == 0 ? null : "évènement-" + "x".repeat(i % 40) + i;
                bb.add(new double[] {i, -i, 0.5 * i}, i % 9, 1 + i % 4, -i, 1000L + i, id, 7L * i, i / 100.0, i % 90,
                        -(i % 180));
            }
            EventBlock b = bb.build();
            assertEquals(n, b.size);
            assertEquals(3 * n, b.x.length);
            for (int i = 0; i < n; i++) {
                assertEquals(i, b.x(i, 0));
                assertEquals(-i, b.x(i, 1));
                assertEquals(0.5 * i, b.x(i, 2));
                assertEquals(i % 9, b.strength[i]);
                assertEquals(1 + i % 4, b.weight(i));
                assertEquals(-i, b.logBase[i]);
                assertEquals(1000L + i, b.index[i]);
                if (report) {
                    assertEquals(i % 11 == 0 ? "#" + (1000L + i) : "évènement-" + "x".repeat(i % 40) + i, b.idOf(i));
                    assertEquals(7L * i, b.timeMillis[i]);
                    assertEquals(i / 100.0, b.mag[i]);
                    assertEquals(i % 90, b.latitude[i]);
                    assertEquals(-(i % 180), b.longitude[i]);
                }
            }
            if (!report) {
                assertNull(b.idBytes);
                assertNull(b.mag);
            }
        }
    }

    /** Columns added in runs (across chunk boundaries, mixed with single events) give the block of one-by-one adds. */
    @Test
    void columnsAddedInRunsGiveTheSameBlockAsEventsOneByOne() {
        int n = 2 * EventBlock.Builder.CHUNK + 999;
        java.util.Random rnd = new java.util.Random(4);
        double[][] x = new double[2][n];
        double[] s = new double[n];
        double[] w = new double[n];
        double[] base = new double[n];
        long[] index = new long[n];
        int[] idLength = new int[n];
        long[] time = new long[n];
        double[] mag = new double[n];
        double[] lat = new double[n];
        double[] lon = new double[n];
        byte[][] ids = new byte[n][];
        for (int i = 0; i < n; i++) {
            x[0][i] = rnd.nextGaussian();
            x[1][i] = rnd.nextGaussian();
            s[i] = rnd.nextInt(50);
            w[i] = rnd.nextDouble();
            base[i] = -rnd.nextDouble();
            index[i] = 5L * i + 3;
            ids[i] = i % 7 == 0 ? new byte[0] : ("ev" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            idLength[i] = ids[i].length;
            time[i] = rnd.nextLong();
            mag[i] = rnd.nextDouble() * 9;
            lat[i] = rnd.nextDouble() * 180 - 90;
            lon[i] = rnd.nextDouble() * 360 - 180;
        }
        for (boolean report : new boolean[] {true, false})
        for (boolean latLon : report ? new boolean[] {true, false} : new boolean[] {false})
        for (int expected : new int[] {0, n}) {
            EventBlock.Builder one = new EventBlock.Builder(2, true, report, latLon, expected);
            EventBlock.Builder runs = new EventBlock.Builder(2, true, report, latLon, expected);
            int at = 0;
            while (at < n) {
                int m = Math.min(n - at, 1 + rnd.nextInt(5000));
                for (int i = at; i < at + m; i++) {
                    one.add(new double[] {x[0][i], x[1][i]}, s[i], w[i], base[i], index[i], ids[i],
                            org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET, idLength[i], time[i], mag[i], lat[i], lon[i]);
                }
                if (m % 3 == 0) { // a run given one event at a time to the other builder too
                    for (int i = at; i < at + m; i++) {
                        runs.add(new double[] {x[0][i], x[1][i]}, s[i], w[i], base[i], index[i], ids[i],
                                org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET, idLength[i], time[i], mag[i], lat[i], lon[i]);
                    }
                } else {
                    for (int i = at; report && i < at + m; i++) {
                        runs.addIdBytes(ids[i], org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET, idLength[i]);
                    }
                    double[][] xs = {java.util.Arrays.copyOfRange(x[0], at, at + m), java.util.Arrays.copyOfRange(x[1], at, at + m)};
                    runs.addColumns(m, xs, java.util.Arrays.copyOfRange(s, at, at + m), java.util.Arrays.copyOfRange(w, at, at + m),
                            java.util.Arrays.copyOfRange(base, at, at + m), java.util.Arrays.copyOfRange(index, at, at + m),
                            java.util.Arrays.copyOfRange(idLength, at, at + m), java.util.Arrays.copyOfRange(time, at, at + m),
                            java.util.Arrays.copyOfRange(mag, at, at + m), java.util.Arrays.copyOfRange(lat, at, at + m),
                            java.util.Arrays.copyOfRange(lon, at, at + m));
                }
                at += m;
            }
            EventBlock a = one.build();
            EventBlock b = runs.build();
            assertEquals(n, b.size);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.x, b.x);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.strength, b.strength);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.weight, b.weight);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.logBase, b.logBase);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.index, b.index);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.idBytes, b.idBytes);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.idEnd, b.idEnd);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.timeMillis, b.timeMillis);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.mag, b.mag);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.latitude, b.latitude);
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.longitude, b.longitude);
            assertEquals(report && latLon, b.latitude != null, "latitude kept");
            if (report) {
                assertEquals("ev" + (n - 1), b.idOf(n - 1));
            }
        }
    }
}
