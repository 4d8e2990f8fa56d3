#!/usr/bin/env bash
# Runs a benchmark main class with its module's test classpath. Benchmarks are not tests: run them by hand.
#   scripts/bench.sh swap-pause [VMS SWAPS]     framework hot-swap pause time (toy architecture)
#   scripts/bench.sh swap-osgi [VMS SWAPS [toy|arm64|pl031 [update|pvswap|compare]]]  the same in a real Felix
#   scripts/bench.sh startup [ROUNDS [IMAGE.elf]]   bin/polyvisor run and shell start-up, without and with the AOT cache
#   scripts/bench.sh <module> <main class> [args...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/find-jdk.sh"
cd "$here"
case "${1:-}" in
  swap-pause) module=testarch; main=org.polyvisor.testarch.bench.SwapPauseBenchmark; shift ;;
  swap-osgi) module=distribution; main=org.polyvisor.distribution.bench.OsgiSwapBenchmark; shift
    PV_BENCH_JAVA_OPTS="${PV_BENCH_JAVA_OPTS:-} -Dpolyvisor.dist=$here/distribution/target/polyvisor -Dpolyvisor.test.bundles=$here/distribution/target/test-bundles -Dpolyvisor.repo=$here -Dorg.slf4j.simpleLogger.defaultLogLevel=warn" ;;
  startup) module=distribution; main=org.polyvisor.distribution.bench.StartupBenchmark; shift
    PV_BENCH_JAVA_OPTS="${PV_BENCH_JAVA_OPTS:-} -Dpolyvisor.dist=$here/distribution/target/polyvisor -Dpolyvisor.repo=$here" ;;
  "") sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  *) module="$1"; main="$2"; shift 2 ;;
esac
# package, not install: the shared ~/.m2 keeps the released jars of everyone else. In one reactor build, the class path
# names the modules' target/ jars; each module writes the file and the benchmark's module, the last one, wins.
cp_file="$here/$module/target/bench.classpath"
# distribution: the bundles Felix loads itself stay off the class path, as failsafe's classpathDependencyExcludes
# keep them off the ITs' (slf4j-simple there makes the embedded framework's logging, and so Gogo, fail)
exclude=""
if [ "$module" = distribution ]; then
  exclude="-DexcludeArtifactIds=$(sed -n 's:.*<classpathDependencyExclude>[^:]*\:\([^<]*\)</classpathDependencyExclude>.*:\1:p' \
    distribution/pom.xml | paste -sd, -)"
fi
./mvnw -B -ntp -q -o -pl "$module" -am -DskipTests -DskipITs package dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test $exclude >&2
exec java ${PV_BENCH_JAVA_OPTS:-} --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$cp_file")" "$main" "$@"
