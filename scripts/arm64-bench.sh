#!/usr/bin/env bash
# Guest MIPS of the arm64 interpreter on the crc32 guest, plus QEMU's wall time on the same ELF when installed.
# Usage: scripts/arm64-bench.sh [guest.elf] [runs]     (defaults: guests/arm64/crc32.elf, 7 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/find-jdk.sh
ELF="${1:-guests/arm64/crc32.elf}"
RUNS="${2:-7}"
exec ./mvnw -B -ntp -q -pl arch-arm64 test-compile exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass=org.polyvisor.arm64.bench.MipsBenchmark -Dexec.args="$ELF $RUNS"
