# sparkvi_submit ROOT CLASS ARGS...: runs CLASS from the job jar through spark-submit
# ($SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else Spark's SparkSubmit from the project's jars).
# --master URL among ARGS is passed to spark-submit too (default local[*]).
sparkvi_submit() {
  local root=$1 main_class=$2
  shift 2
  local master="local[*]" args=("$@") i
  for ((i = 0; i < ${#args[@]}; i++)); do
    case "${args[$i]}" in
      --master) master="${args[$((i + 1))]:-$master}" ;;
      --master=*) master="${args[$i]#--master=}" ;;
    esac
  done
  # Garbage collector: the parallel (throughput) collector, not the JVM's default G1, whose large-array
  # ("humongous") allocations and concurrent cycles cost the CAVI job on two cores. Measured alternating: the cold
  # 10^6-event command 10.6 s against 11.5 s, the bundled one 6.1 against 6.6 s, and at 10^7 events the read 4.9
  # against 6.1 s and an iteration 0.17 against 0.20 s; the sampler measured no different. The VAE keeps G1: its
  # 2-partition training ran 5-9% faster with it (Parallel's young collections copy the resident training set:
  # 100 ms pauses in a 2 s epoch).
  # SPARKVI_GC=G1, Parallel or Serial chooses for every job.
  local vae=0 a
  for a in "$@"; do [[ $a == vae || $a == vae-sample ]] && vae=1; [[ $a == -* ]] || break; done
  local default_gc=Parallel
  (( vae )) && default_gc=G1
  local gc="-XX:+Use${SPARKVI_GC:-$default_gc}GC"
  # C2, the optimising compiler, only for methods called 50,000 times (or 150,000 calls and loop turns), not 5,000
  # (15,000). On two cores its one thread takes a core from the job whenever it compiles, and in a CAVI job it
  # compiled all through the read (busy 0.8-1 s of each 1.3-2 s read of 10^7 events, even the fourth in one JVM;
  # idle through the iterations): lukewarm code of Spark's, Parquet's and the JDK's (java.util.Formatter alone
  # 0.4 s). The hot loops still reach C2 by their loop counts. Measured alternating (2026-12-08): the cold cavi
  # command 7.44 s against 8.21 (median of 6 and 5 at 10^6 events) and 14.5 against 16.5 s (6 each, 10^7), the
  # iterations, the sampler and the bundled cavi command unchanged. The VAE, not measured with it, keeps the JVM's
  # thresholds.
  local jit=()
  # SPARKVI_JIT=default keeps the JVM's own thresholds.
  (( vae )) || [[ ${SPARKVI_JIT:-} == default ]] || jit=(-XX:Tier4InvocationThreshold=50000 -XX:Tier4CompileThreshold=150000)
  local submit_args=(--master "$master" --properties-file "$root/conf/spark-defaults.conf"
    --driver-java-options "$gc ${jit[*]} -Dlog4j2.configurationFile=file:${SPARKVI_LOG_CONFIG:-$root/conf/log4j2.properties} -Djava.awt.headless=true"
    --class "$main_class")
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
  if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
    exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}" "$SPARKVI_JAR" "$@"
  fi
  local flags
  read -r -a flags < "$root/target/java-module-flags.txt"
  # Class-data sharing: the classes a run loads (Spark's ~200 jars) are archived by the first run after a build and
  # mapped by the next ones, instead of being read, verified and parsed again. SPARKVI_CDS=0 turns it off.
  # One archive per main class: the benchmarks' (BenchMain) classes are not the jobs' (a bench run first after a
  # build left the cavi command an archive without its report classes).
  local cds=() jsa="$root/target/sparkvi-classes-${main_class##*.}.jsa"
  if [[ ${SPARKVI_CDS:-1} != 0 ]]; then
    # an archive older than the jar (a jar built by mvn directly) would be refused silently: it is written anew
    [[ -s $jsa && ! $jsa -nt $SPARKVI_JAR ]] && rm -f "$jsa"
    # The archive holds the classes of the run that writes it: a --help run (the first thing many users type after
    # a build) would leave one of 30 MB instead of 160, and every later run would load most classes again (the
    # bundled cavi command took 11 s with it instead of 6.5). So help, version and bare runs do not write it.
    local writes=1 a
    (( $# == 0 )) && writes=0
    for a in "$@"; do case "$a" in -h|--help|-V|--version|help) writes=0 ;; esac; done
    if [[ -s $jsa ]]; then cds=(-XX:SharedArchiveFile="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
    elif (( writes )); then cds=(-XX:ArchiveClassesAtExit="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off); fi
  fi
  # Memory: on this kind of VM the first touch of a page of fresh heap is dear, and dearest in 2 MB pages. Touching
  # a fresh GB took 0.6-0.7 s of kernel time in 4 KB pages and 1.2-4.2 s in transparent huge pages (0.1 s for huge
  # pages a process had freed and mapped again), and a JVM's heap is fresh memory. Alternating the cold 10^7-event
  # command six times each (2026-12-07): the read took 7.1-8.0 s in 4 KB pages against 8.5-11.8 s with
  # -XX:+UseTransparentHugePages, the iterations the same. So the heap is left in the kernel's default pages;
  # SPARKVI_THP=1 asks for huge pages where the kernel offers them (they had measured better on 2026-12-05).
  local heap="${SPARKVI_DRIVER_MEMORY:-4g}" mem=("$gc" "${jit[@]}")
  if [[ ${SPARKVI_THP:-0} == 1 ]] && grep -qs '\[always\]\|\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then mem+=(-XX:+UseTransparentHugePages); fi
  local java_cmd=(java "${flags[@]}" "${cds[@]}" "${mem[@]}" -Xmx"$heap"
    -Dlog4j2.configurationFile="file:${SPARKVI_LOG_CONFIG:-$root/conf/log4j2.properties}" -Djava.awt.headless=true
    -cp "$SPARKVI_JAR:$(cat "$root/target/classpath.txt")")
  # Local mode: the main class runs straight in this JVM, with the properties file's settings as the system
  # properties SparkConf reads (what SparkSubmit would set; the master is --master's or local[*]). SparkSubmit's
  # argument handling and class loader cost 0.3-1.0 s of every command here (the bundled cavi command: 6.6-7.5 s
  # against 6.9-8.5 s through SparkSubmit). A cluster master goes through SparkSubmit, which ships the jar.
  if [[ $master == local || $master == local\[* ]]; then
    local props=() key value
    while read -r key value; do
      [[ -z $key || $key == \#* ]] || props+=("-D$key=$value")
    done < "$root/conf/spark-defaults.conf"
    exec "${java_cmd[@]}" "${props[@]}" "$main_class" "$@"
  fi
  exec "${java_cmd[@]}" org.apache.spark.deploy.SparkSubmit "${submit_args[@]}" "$SPARKVI_JAR" "$@"
}
