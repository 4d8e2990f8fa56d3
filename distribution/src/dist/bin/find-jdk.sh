# Sourced by scripts: exports JAVA_HOME pointing at a JDK >= 25, or stops with a message naming what to install.
pv_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n1; }
pv_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/* /opt/java/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v="$(pv_java_major "$c")"
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME="$(pv_find_jdk)"; then
  echo "Polyvisor needs a JDK 25 or newer. None found in JAVA_HOME or /usr/lib/jvm." >&2
  echo "Install one (for example Temurin 25 into /usr/lib/jvm/temurin-25-jdk-amd64) or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
