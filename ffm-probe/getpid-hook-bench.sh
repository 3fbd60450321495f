#!/usr/bin/env bash
# Usage: ffm-probe/getpid-hook-bench.sh [calls] [rounds]; needs /tmp/getpid_loop (see README.md) and a -Pffm build.
# Alternates the three configurations round by round; prints ns_per_call of each run.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
J25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
N=${1:-1000000}; ROUNDS=${2:-7}
for r in $(seq $ROUNDS); do
  a=$(./jlibos run --syscall-path=hook /tmp/getpid_loop $N 2>/dev/null | awk '{print $2}')
  b=$(PATH=$J25/bin:$PATH JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED -Djlibos.unicorn.binding=jnr" ./jlibos run --syscall-path=hook /tmp/getpid_loop $N 2>/dev/null | awk '{print $2}')
  c=$(PATH=$J25/bin:$PATH JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED -Djlibos.unicorn.binding=ffm" ./jlibos run --syscall-path=hook /tmp/getpid_loop $N 2>/dev/null | awk '{print $2}')
  d=$(PATH=$J25/bin:$PATH JDK_JAVA_OPTIONS="--enable-native-access=ALL-UNNAMED -Djlibos.unicorn.binding=ffm" ./jlibos run /tmp/getpid_loop $N 2>/dev/null | awk '{print $2}')
  e=$(./jlibos run /tmp/getpid_loop $N 2>/dev/null | awk '{print $2}')
  echo "round $r  jdk17+jnr $a  jdk25+jnr $b  jdk25+ffm $c  | default path: jdk25+ffm $d jdk17+jnr $e"
done
