#!/usr/bin/env bash
# Shows that SDK baselining stops the build (docs/custom-builds.md, "Baselining"): in a copy of the committed tree,
# deletes one public method of an exported type (org.polyvisor.api.GuestPhysicalAddress.plus) without touching the
# package version, builds the framework bundle and expects bnd-baseline-maven-plugin to fail `verify` with its
# report. Prints that report; exits 0 when the build failed as it must, 1 otherwise. About a minute; not part of
# ./pv test (SdkBaselineIT checks the same with bnd's API there). Run from a clone that built once (./pv test).
#   scripts/check-sdk-baseline.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/find-jdk.sh" >&2
release="$root/target/sdk-baseline/repo"
if [ ! -f "$release/.built-from" ]; then
  echo "check-sdk-baseline: no release repository in $release: build once first (./pv test)" >&2
  exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git -C "$root" archive HEAD | tar -x -C "$tmp"
mkdir -p "$tmp/target/sdk-baseline"
cp -r "$release" "$tmp/target/sdk-baseline/"
src="$tmp/framework/src/main/java/org/polyvisor/api/GuestPhysicalAddress.java"
# drop plus(long) with its Javadoc: from the "/**" whose next line starts its comment to the method's closing brace
sed -i '/^    \/\*\*$/{N;/The address {@code offset} bytes further on/{:a;N;/\n    }$/!ba;d}}' "$src"
if grep -q "plus(long" "$src"; then
  echo "check-sdk-baseline: could not remove GuestPhysicalAddress.plus from the copy" >&2
  exit 1
fi
log="$tmp/build.log"
if (cd "$tmp" && ./mvnw -B -ntp -o -pl framework -am -Dmaven.test.skip=true -Dmaven.javadoc.skip=true verify \
    >"$log" 2>&1); then
  echo "check-sdk-baseline: FAILED: the framework without GuestPhysicalAddress.plus passed baselining" >&2
  grep -E "baseline|Baseline" "$log" >&2 || true
  exit 1
fi
if ! grep -q "Baseline problems detected" "$log"; then
  echo "check-sdk-baseline: the build failed, but not in baselining:" >&2
  grep "ERROR" "$log" | head -20 >&2
  exit 1
fi
sed -n '/Baseline problems detected/,/-> \[Help 1\]/p' "$log"
echo "check-sdk-baseline: ok: removing a method without a major package version bump fails the build"
