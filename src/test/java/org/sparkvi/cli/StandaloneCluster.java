package org.sparkvi.cli;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.sparkvi.bench.LoopbackCluster;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1 built from the test's own dependency jars (nothing downloaded): a
 * SPARK_HOME whose jars/ links every jar of the test class path, a master, and workers, each a JVM of its own.
 * {@link #close} stops every process it started, by process id, children first.
 */
final class StandaloneCluster implements AutoCloseable {
    final Path home;
    final Path appJar;
    final int port;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> flags;

    StandaloneCluster(Path dir, int workers, int coresPerWorker, String workerMemory) throws Exception {
        home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("conf"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(home.resolve("jars").resolve(p.getFileName()))) {
                Files.createSymbolicLink(home.resolve("jars").resolve(p.getFileName()), p.toAbsolutePath());
            }
        }
        appJar = dir.resolve("sparkvi-test-app.jar");
        jar(Path.of("target/classes"), appJar);
        flags = Arrays.asList(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions().split(" "));
        port = LoopbackCluster.freePort();
        int webUi = LoopbackCluster.freePort();
        start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--webui-port", String.valueOf(webUi));
        for (int w = 0; w < workers; w++) {
            Path work = dir.resolve("worker-" + w);
            Files.createDirectories(work);
            start("worker-" + w, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores",
                    String.valueOf(coresPerWorker), "--memory", workerMemory, "--webui-port", String.valueOf(LoopbackCluster.freePort()),
                    "--work-dir", work.toString(), url());
        }
        LoopbackCluster.awaitWorkers(workers, webUi, home);
    }

    String url() {
        return "spark://127.0.0.1:" + port;
    }

    private void start(String name, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xmx512m", "-Dspark.master.rest.enabled=false", "-cp", home.resolve("jars") + "/*", main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile());
        environment(pb.environment());
        processes.add(pb.start());
    }

    void environment(Map<String, String> env) {
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OPENBLAS_NUM_THREADS", "1");
    }

    /** Runs spark-submit's SparkSubmit in a JVM of its own (client mode) and returns its exit code; output to log. */
    int submit(Path log, String... appArgs) throws Exception {
        return await(launch(log, List.of(), appArgs), log);
    }

    /** Waits up to 300 s for a submitted driver; its exit code. */
    static int await(Process p, Path log) throws Exception {
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("spark-submit did not finish in 300 s; see " + log);
        }
        return p.exitValue();
    }

    /** Starts SparkSubmit (client mode) with extra {@code --conf key=value} settings, without waiting. */
    Process launch(Path log, List<String> confs, String... appArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xmx1g", "-Djava.awt.headless=true", "-cp", home.resolve("jars") + "/*:" + appJar,
                "org.apache.spark.deploy.SparkSubmit", "--master", url(), "--deploy-mode", "client",
                "--class", "org.sparkvi.cli.Main", "--conf", "spark.driver.host=127.0.0.1",
                "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.cores=1", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.broadcast.compress=false"));
        for (String c : confs) { // later settings override the defaults above
            cmd.addAll(List.of("--conf", c));
        }
        cmd.add(appJar.toString());
        cmd.addAll(List.of(appArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        environment(pb.environment());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** The executor JVMs the workers have started (children of the worker processes), live ones only. */
    List<ProcessHandle> executors() {
        return processes.stream().flatMap(Process::descendants).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
    }

    @Override
    public void close() {
        LoopbackCluster.stop(processes);
    }

    boolean allStopped() {
        return processes.stream().noneMatch(p -> p.isAlive() || p.descendants().anyMatch(ProcessHandle::isAlive));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void jar(Path classes, Path target) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                try (var in = Files.newInputStream(f)) {
                    in.transferTo((OutputStream) out);
                }
                out.closeEntry();
            }
        }
    }
}
