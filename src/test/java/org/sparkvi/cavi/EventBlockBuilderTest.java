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
}
