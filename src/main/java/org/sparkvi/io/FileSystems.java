package org.sparkvi.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Hadoop file systems as this project uses them. */
public final class FileSystems {
    private FileSystems() {
    }

    /**
     * The file system without its checksum layer: on the local file system, the same files without a
     * {@code .name.crc} beside each written (and no failure reading one beside a stale .crc); HDFS keeps its
     * checksums inside and is returned as it is.
     */
    public static FileSystem withoutChecksums(FileSystem fs) {
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }

    /** {@link #withoutChecksums} of the file system that holds {@code path}. */
    public static FileSystem withoutChecksums(Path path, Configuration conf) throws IOException {
        return withoutChecksums(path.getFileSystem(conf));
    }
}
