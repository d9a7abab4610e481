package org.sparkvi.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for a benchmark: a SPARK_HOME whose jars/ links every jar of this JVM's
 * class path (nothing downloaded), a master and workers, each a JVM of its own, and drivers submitted to it through
 * SparkSubmit in client mode. {@link #close} stops every process it started by its id, children first.
 */
public final class LoopbackCluster implements AutoCloseable {
    private final Path home;
    private final Path appJar;
    private final int port;
    private final List<String> flags;
    private final List<Process> processes = new ArrayList<>();

    LoopbackCluster(Path dir, int workers, int coresPerWorker, String workerMemory) throws Exception {
        home = dir.resolve("spark-home");
        Files.createDirectories(home.resolve("jars"));
        Path app = null;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(p)) {
                if (p.getFileName().toString().startsWith("sparkvi-")) {
                    app = p.toAbsolutePath();
                } else if (!Files.exists(home.resolve("jars").resolve(p.getFileName()))) {
                    Files.createSymbolicLink(home.resolve("jars").resolve(p.getFileName()), p.toAbsolutePath());
                }
            }
        }
        if (app == null) {
            throw new IllegalStateException("the cluster row needs the sparkvi jar on the class path: run jobs/bench");
        }
        appJar = app;
        flags = Arrays.asList(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions().split(" "));
        port = freePort();
        int webUi = freePort();
        start(home.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                String.valueOf(port), "--webui-port", String.valueOf(webUi));
        for (int w = 0; w < workers; w++) {
            Path work = dir.resolve("worker-" + w);
            Files.createDirectories(work);
            start(home.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--cores", String.valueOf(coresPerWorker), "--memory", workerMemory, "--webui-port",
                    String.valueOf(freePort()), "--work-dir", work.toString(), url());
        }
        awaitWorkers(workers, webUi);
    }

    String url() {
        return "spark://127.0.0.1:" + port;
    }

    private Process start(Path log, String main, String... args) throws IOException {
        return start(log, List.of(), main, args);
    }

    /** A JVM of its own running {@code main}; {@code jvmFlags} after the defaults (a later -Xmx wins). */
    private Process start(Path log, List<String> jvmFlags, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xmx1g", "-Dspark.master.rest.enabled=false", "-Djava.awt.headless=true"));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", home.resolve("jars") + "/*:" + appJar, main));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // else executors fail with "Cannot find any build directories"
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // a worker started by hand has no BLAS setting of its own: the executors get theirs from the application
        // (spark.executorEnv.OPENBLAS_NUM_THREADS in conf/spark-defaults.conf), as on a user's cluster
        pb.environment().remove("OPENBLAS_NUM_THREADS");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** Runs {@code mainClass} of the sparkvi jar as a driver on this cluster (client mode); its exit code. */
    int submit(Path log, List<String> confs, String mainClass, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--master", url(), "--deploy-mode", "client", "--class", mainClass,
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false", "--conf", "spark.broadcast.compress=false"));
        for (String c : confs) {
            all.addAll(List.of("--conf", c));
        }
        all.add(appJar.toString());
        all.addAll(List.of(args));
        Process p = start(log, driverMemoryFlags(), "org.apache.spark.deploy.SparkSubmit", all.toArray(String[]::new));
        if (!p.waitFor(1800, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the cluster driver did not finish in 30 minutes; see " + log);
        }
        return p.exitValue();
    }

    /**
     * This JVM's heap size, collector and page flags, which jobs/lib/submit.sh chose for a driver, for the drivers
     * submitted here: a user's driver gets them (the VAE's: G1 in 4 GB), where the defaults above (1 GB) had G1 run
     * a concurrent cycle at nearly every epoch's end, on the two cores the executors step on.
     */
    static List<String> driverMemoryFlags() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-Xmx") || a.matches("-XX:\\+Use\\w*(GC|TransparentHugePages)")).toList();
    }

    private void awaitWorkers(int workers, int webUi) throws Exception {
        awaitWorkers(workers, webUi, home);
    }

    /** Waits up to 90 s until the master whose web UI is on webUi counts {@code workers} live workers. */
    public static void awaitWorkers(int workers, int webUi, Path logs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                var conn = (java.net.HttpURLConnection) new java.net.URI("http://127.0.0.1:" + webUi + "/json/").toURL()
                        .openConnection();
                conn.setConnectTimeout(1000);
                String json = new String(conn.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                if (org.sparkvi.io.Json.MAPPER.readTree(json).path("aliveworkers").asInt() >= workers) {
                    return;
                }
            } catch (IOException notYet) {
                // the master's web UI is not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the workers did not register within 90 s; logs in " + logs);
    }

    @Override
    public void close() {
        stop(processes);
    }

    /** Stops processes in reverse order of start, each by its id with its children first; forcibly after 15 s. */
    public static void stop(List<Process> processes) {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            List<ProcessHandle> children = p.descendants().toList();
            children.forEach(ProcessHandle::destroy);
            p.destroy();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A TCP port free on the loopback interface now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
