package org.sparkvi.io;

import java.io.Serializable;

/** One valid catalogue record, before the coordinate transform. {@code values} holds the x-columns (IDENTITY). */
public record ParsedEvent(long index, double latitude, double longitude, double[] values, int strength, double weight,
                          String id, long timeMillis, double mag) implements Serializable {
}
