package org.sparkvi.cli;

import org.sparkvi.UserInputException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkvi.TestSpark;
import org.sparkvi.io.AtomicOutput;
import org.sparkvi.io.OutputGuard;
import org.sparkvi.io.OutputRequest;

/**
 * No command deletes what it did not write: a run replaces only an earlier output of the same command (its
 * {@code _SPARKVI} marker), anything else needs --overwrite, and the working folder, its parents and the paths a run
 * reads are refused even then. Killed runs' staging folders are removed by a later run once their owner is dead.
 */
class OutputSafetyTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void session() {
        TestSpark.get();
    }

    record Result(int code, String err) {
    }

    static Result sparkvi(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        return new Result(code, err.toString());
    }

    static Result sample(String output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("sample", "exponential", "--n", "2000", "--output", output));
        args.addAll(List.of(more));
        return sparkvi(args.toArray(new String[0]));
    }

    @Test
    void aRegularFileIsRefusedAndKept() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "my notes");
        Result r = sample(file.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("exists and is a file") && r.err().contains("--overwrite"), r.err());
        assertEquals("my notes", Files.readString(file));
    }

    @Test
    void aFolderOfTheUsersFilesIsRefusedAndKept_overwriteReplacesIt() throws IOException {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("thesis.tex"), "chapter 1");
        Result r = sample(mine.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("sparkvi did not write"), r.err());
        assertEquals("chapter 1", Files.readString(mine.resolve("thesis.tex")));

        Result forced = sample(mine.toString(), "--overwrite");
        assertEquals(0, forced.code(), forced.err());
        assertFalse(Files.exists(mine.resolve("thesis.tex")));
        assertTrue(Files.exists(mine.resolve("report.json")));
    }

    @Test
    void anEarlierOutputOfTheSameCommandIsReplaced_anotherCommandsIsNot() throws IOException {
        Path out = dir.resolve("draws");
        assertEquals(0, sample(out.toString()).code());
        assertEquals("sparkvi sample", Files.readString(out.resolve(OutputGuard.MARKER)).trim());
        Files.writeString(out.resolve("stale.txt"), "from the first run");
        Result again = sample(out.toString());
        assertEquals(0, again.code(), again.err());
        assertFalse(Files.exists(out.resolve("stale.txt")), "the earlier output was replaced as a whole");

        Result other = sparkvi("gradients", "--samples", "200", "--output", out.toString());
        assertEquals(2, other.code(), other.err());
        assertTrue(other.err().contains("holds the output of sparkvi sample, not of sparkvi gradients"), other.err());
        assertTrue(Files.exists(out.resolve("report.json")));
    }

    @Test
    void localOutputsHaveNoChecksumFiles() throws IOException {
        Path out = dir.resolve("clean");
        assertEquals(0, sample(out.toString()).code());
        try (Stream<Path> files = Files.walk(out)) {
            List<Path> crc = files.filter(p -> p.getFileName().toString().endsWith(".crc")).toList();
            assertTrue(crc.isEmpty(), "checksum files: " + crc);
        }
    }

    @Test
    void theModelBeingReadIsRefusedEvenWithOverwrite() throws IOException {
        Path model = dir.resolve("vae-model");
        Files.createDirectories(model);
        Files.writeString(model.resolve("model.json"), "{}");
        for (String out : List.of(model.toString(), dir.toString())) {
            Result r = sparkvi("vae-sample", "--model", model.toString(), "--output", out, "--overwrite");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("refused even with --overwrite"), r.err());
            assertTrue(r.err().contains("the path this run reads"), r.err());
        }
        assertEquals("{}", Files.readString(model.resolve("model.json")));
    }

    @Test
    void theWorkingFolderAndItsParentsAreRefusedEvenWithOverwrite() throws IOException {
        FileSystem fs = FileSystem.get(java.net.URI.create("file:///"), new Configuration());
        org.apache.hadoop.fs.Path cwd = fs.makeQualified(new org.apache.hadoop.fs.Path(
                Path.of("").toAbsolutePath().toString()));
        for (org.apache.hadoop.fs.Path p : List.of(cwd, cwd.getParent(), fs.makeQualified(new org.apache.hadoop.fs.Path(".")))) {
            UserInputException e = assertThrows(UserInputException.class, () -> OutputGuard.check(fs, p,
                    new OutputRequest(p.toString(), "sample", true, List.of())));
            assertTrue(e.getMessage().contains("the working folder") && e.getMessage().contains("even with --overwrite"),
                    e.getMessage());
        }
        Result dot = sample(".", "--overwrite");
        assertEquals(2, dot.code(), dot.err());
        assertTrue(Files.exists(Path.of("pom.xml")));
    }

    @Test
    void anOutputUnderAFileGetsOneLine() throws IOException {
        Path file = dir.resolve("plain-file");
        Files.writeString(file, "x");
        Result r = sample(file.resolve("out").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is a file, not a folder"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void stagingFoldersOfDeadRunsAreRemoved_liveOnesKept() throws Exception {
        Path out = dir.resolve("staged");
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Path deadHere = staging(out, "dead", "host=" + host + "\npid=" + deadPid() + "\n", 0);
        Path liveHere = staging(out, "live", "host=" + host + "\npid=" + ProcessHandle.current().pid() + "\n", 0);
        Path elsewhereFresh = staging(out, "fresh", "host=some-other-host\npid=1\n", 0);
        Path elsewhereSilent = staging(out, "silent", "host=some-other-host\npid=1\n", 3_600_000);
        new AtomicOutput(OutputRequest.of(out.toString(), "sample"), new Configuration()).close();
        assertFalse(Files.exists(deadHere), "owner process is gone");
        assertTrue(Files.exists(liveHere), "owner process is alive");
        assertTrue(Files.exists(elsewhereFresh), "another host's run with a recent heartbeat");
        assertFalse(Files.exists(elsewhereSilent), "another host's run silent for an hour");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.filter(p -> p.getFileName().toString().startsWith(".staged.tmp-")).count(),
                    "the closed run removed its own staging folder");
        }
    }

    private static Path staging(Path out, String name, String owner, long ageMillis) throws IOException {
        Path s = out.resolveSibling("." + out.getFileName() + ".tmp-" + name);
        Files.createDirectories(s);
        Path o = s.resolve("_SPARKVI_STAGING");
        Files.writeString(o, owner);
        Files.setLastModifiedTime(o, FileTime.fromMillis(System.currentTimeMillis() - ageMillis));
        return s;
    }

    /** The id of a process that has exited. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }
}
