package org.sparkvi.report;

/** One cluster's marker on the map. Radii in km on the Earth's surface; NaN = not drawn. */
public record ClusterMarker(int k, double longitude, double latitude, double meanRadius95Km, double spreadRadiusKm, String label) {
}
