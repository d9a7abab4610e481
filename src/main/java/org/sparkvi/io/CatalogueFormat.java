package org.sparkvi.io;

public enum CatalogueFormat { PARQUET, CSV, GEOJSON }
