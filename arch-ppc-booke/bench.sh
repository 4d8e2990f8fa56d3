#!/usr/bin/env bash
# Runs a benchmark main class of arch-ppc-booke's test sources.
#   ./arch-ppc-booke/bench.sh CrcBenchmark [rounds] [repeats]
#   ./arch-ppc-booke/bench.sh LastInstBenchmark [iterations] [repeats]
#   ./arch-ppc-booke/bench.sh FeatureSprBenchmark [rounds] [repeats]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh
./mvnw -B -ntp -o -q -pl arch-ppc-booke -am test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test
cls="$1"; shift
exec java --enable-native-access=ALL-UNNAMED -cp "arch-ppc-booke/target/classes:arch-ppc-booke/target/test-classes:$(cat arch-ppc-booke/target/bench.cp)" \
  "org.polyvisor.ppc.internal.bench.$cls" "$@"
