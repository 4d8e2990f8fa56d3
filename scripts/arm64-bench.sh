#!/usr/bin/env bash
# Guest MIPS of the arm64 interpreter on the crc32 guest, plus QEMU's wall time on the same ELF when installed.
# Usage: scripts/arm64-bench.sh [guest.elf] [runs]     (defaults: guests/arm64/crc32.elf, 7 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/bench.sh arch-arm64 org.polyvisor.arm64.bench.MipsBenchmark "${1:-guests/arm64/crc32.elf}" "${2:-7}"
