package org.sparkvi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.sparkvi.io.Rejection;
import org.sparkvi.spark.RecordKryoRegistrator;
import scala.reflect.ClassTag$;

/** The packages form layers: cli on top and imported by nobody, and no two packages import each other, even indirectly. */
class LayeringTest {
    static final Pattern REFERENCE = Pattern.compile("org\\.sparkvi\\.(\\w+)\\.[A-Z]");

    static Map<String, Set<String>> packageGraph() throws IOException {
        Path root = Path.of("src/main/java/org/sparkvi");
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = root.relativize(f.getParent()).toString();
                Set<String> out = deps.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }

    @Test
    void nothingOutsideCliImportsCli() throws IOException {
        List<String> offenders = new ArrayList<>();
        packageGraph().forEach((pkg, uses) -> {
            if (!pkg.equals("cli") && uses.contains("cli")) {
                offenders.add(pkg);
            }
        });
        assertEquals(List.of(), offenders, "packages that import cli");
    }

    @Test
    void thePackageGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> deps = packageGraph();
        for (String start : deps.keySet()) {
            // depth-first from start: reaching start again is a cycle
            List<String> stack = new ArrayList<>(deps.getOrDefault(start, Set.of()));
            Set<String> seen = new TreeSet<>();
            while (!stack.isEmpty()) {
                String p = stack.remove(stack.size() - 1);
                assertTrue(!p.equals(start), "a cycle through " + start + ": " + deps);
                if (seen.add(p)) {
                    stack.addAll(deps.getOrDefault(p, Set.of()));
                }
            }
        }
    }

    @Test
    void kryoCarriesRecordsThroughJavaSerialization() {
        SparkConf conf = new SparkConf(false).set("spark.kryo.registrator", RecordKryoRegistrator.class.getName());
        SerializerInstance kryo = new KryoSerializer(conf).newInstance();
        Rejection r = new Rejection("f.csv", 3, "latitude", "95", "latitude_out_of_range");
        Object back = kryo.deserialize(kryo.serialize(r, ClassTag$.MODULE$.apply(Rejection.class)),
                ClassTag$.MODULE$.apply(Rejection.class));
        assertEquals(r, back);
    }
}
