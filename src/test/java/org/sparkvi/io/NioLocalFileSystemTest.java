package org.sparkvi.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file system this project writes through gives files and folders the permissions Hadoop's own
 * {@link RawLocalFileSystem} gives them (the reference: Hadoop's umask applied, then {@code chmod}), for the
 * default umask and for others, and for a permission set explicitly.
 */
class NioLocalFileSystemTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void filesAndFoldersGetThePermissionsHadoopGivesThem() throws Exception {
        for (String umask : new String[]{"022", "027", "077", "002"}) {
            Configuration conf = new Configuration();
            conf.set("fs.permissions.umask-mode", umask);
            conf.setBoolean("fs.file.impl.disable.cache", true); // a file system of this conf, not a cached one
            FileSystem local = new Path(dir.toUri()).getFileSystem(conf);
            FileSystem ours = FileSystems.withoutChecksums(local);
            assertInstanceOf(NioLocalFileSystem.class, ours);
            FileSystem hadoop = ((org.apache.hadoop.fs.ChecksumFileSystem) local).getRawFileSystem();
            assertEquals(RawLocalFileSystem.class, hadoop.getClass());
            for (String kind : new String[]{"ours", "hadoop"}) {
                FileSystem fs = kind.equals("ours") ? ours : hadoop;
                Path folder = new Path(dir.toUri().toString(), umask + "-" + kind);
                fs.mkdirs(folder);
                fs.create(new Path(folder, "file"), true).close();
                fs.mkdirs(new Path(folder, "a/b"));
                fs.create(new Path(folder, "explicit"), true).close();
                fs.setPermission(new Path(folder, "explicit"), new FsPermission((short) 0640));
            }
            for (String name : new String[]{"", "/file", "/a", "/a/b", "/explicit"}) {
                assertEquals(mode(umask + "-hadoop" + name), mode(umask + "-ours" + name), "umask " + umask + ", " + name);
            }
        }
    }

    private String mode(String relative) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(relative)));
    }
}
