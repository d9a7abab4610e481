# Shared by jobs/sparkvi and jobs/bench: build the thin jar, the runtime classpath and the JVM flags
# when any of them is missing or older than the sources.
sparkvi_build_if_stale() {
  local root=$1
  SPARKVI_JAR="$root/target/sparkvi-0.1.0.jar"
  local cp="$root/target/classpath.txt" flags="$root/target/java-module-flags.txt"
  if [[ ! -f $SPARKVI_JAR || ! -f $cp || ! -f $flags ||
        -n $(find "$root/src/main" "$root/pom.xml" -newer "$SPARKVI_JAR" -print -quit) ]]; then
    echo "sparkvi: building $SPARKVI_JAR ..." >&2
    (cd "$root" && mvn -q -B -DskipTests package >&2 &&
      mvn -q -B dependency:build-classpath -DincludeScope=compile -Dmdep.outputFile=target/classpath.txt >&2) || {
      echo "sparkvi: build failed" >&2; exit 1; }
    # Spark's launcher keeps the JVM flags Java 17 needs; ask it rather than copy them.
    java -cp "$SPARKVI_JAR:$(cat "$cp")" org.sparkvi.cli.JavaModuleFlags > "$flags"
    touch "$SPARKVI_JAR"
    rm -f "$root"/target/sparkvi-classes*.jsa # archived classes of the old jar

  fi
}
