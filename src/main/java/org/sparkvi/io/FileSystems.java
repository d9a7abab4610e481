package org.sparkvi.io;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** Hadoop file systems as this project uses them. */
public final class FileSystems {
    private FileSystems() {
    }

    /**
     * The file system without its checksum layer: on the local file system, the same files without a
     * {@code .name.crc} beside each written (and no failure reading one beside a stale .crc); HDFS keeps its
     * checksums inside and is returned as it is. The local one sets permissions in-process
     * ({@link NioLocalFileSystem}).
     */
    public static FileSystem withoutChecksums(FileSystem fs) throws IOException {
        FileSystem raw = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
        if (raw.getClass() != RawLocalFileSystem.class) {
            return raw;
        }
        NioLocalFileSystem local = new NioLocalFileSystem();
        local.initialize(raw.getUri(), raw.getConf());
        return local;
    }

    /** {@link #withoutChecksums} of the file system that holds {@code path}. */
    public static FileSystem withoutChecksums(Path path, Configuration conf) throws IOException {
        return withoutChecksums(path.getFileSystem(conf));
    }
}
