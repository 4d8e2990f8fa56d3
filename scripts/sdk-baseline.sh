#!/usr/bin/env bash
# Builds the SDK's previous release, named in the root pom.xml (sdk.baseline.version, .commit, .modules), from this
# clone's git history into a Maven repository folder, target/sdk-baseline/repo. bnd-baseline-maven-plugin finds it
# there through maven.repo.local.tail (.mvn/maven.config) and compares each SDK bundle's exported packages with it.
# Nothing is committed but the commit id: the release's jars are its sources, built again with the release version
# (what a release sets in every pom), on any machine with a JDK 25 and Maven Central. Run by the root pom at the
# start of every build; a stamp makes later builds skip it. See docs/custom-builds.md, "Baselining".
#   scripts/sdk-baseline.sh VERSION COMMIT "MODULE..." [offline=true]   offline=true: Maven -o, as the calling build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ $# -lt 3 ]; then
  echo "usage: scripts/sdk-baseline.sh VERSION COMMIT \"MODULE...\" [OFFLINE]" >&2
  exit 2
fi
version="$1"
commit="$2"
modules="$3"
offline=""
if [ "${4:-}" = "offline=true" ]; then offline="-o"; fi
out="$root/target/sdk-baseline"
repo="$out/repo"
stamp="$repo/.built-from"
want="$version $commit $modules"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if ! git -C "$root" cat-file -e "$commit^{commit}" 2>/dev/null; then
  echo "sdk-baseline: the SDK release $version (commit $commit, sdk.baseline.commit in pom.xml) is not in this" \
    "clone's history: fetch it (git fetch --unshallow), or build with -Dbnd.baseline.skip=true to skip baselining" >&2
  exit 1
fi
echo "sdk-baseline: building the SDK release $version from commit ${commit:0:12} ($modules) into $repo"
rm -rf "$out"
mkdir -p "$out/src" "$repo"
git -C "$root" archive "$commit" | tar -x -C "$out/src"
# the release build: the commit's sources with the version a release sets (X-SNAPSHOT -> X) in every pom
find "$out/src" -name pom.xml -exec sed -i "s/<version>$version-SNAPSHOT<\/version>/<version>$version<\/version>/" {} +
(cd "$out/src" && ./mvnw -B -ntp -q $offline -DskipTests -Dmaven.javadoc.skip=true -Dbnd.baseline.skip=true \
  -pl "$(echo "$modules" | tr ' ' ',')" -am package)
for m in $modules; do
  a="polyvisor-$m"
  dir="$repo/org/polyvisor/$a/$version"
  mkdir -p "$dir"
  cp "$out/src/$m/target/$a-$version.jar" "$dir/"
  cp "$out/src/$m/pom.xml" "$dir/$a-$version.pom"
done
rm -rf "$out/src"
echo "$want" > "$stamp"
