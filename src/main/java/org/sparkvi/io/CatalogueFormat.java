package org.sparkvi.io;

/** The catalogue formats read: Parquet (the primary one), ComCat CSV, and GeoJSON (the USGS feeds). */
public enum CatalogueFormat {
    PARQUET, CSV, GEOJSON
}
