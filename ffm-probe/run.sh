#!/usr/bin/env bash
# Builds and runs the syscall-hook cost probe (see README.md). Usage: ./run.sh [syscalls-per-run] [runs] [rounds]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
N=${1:-1000000}; RUNS=${2:-9}; ROUNDS=${3:-3}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
M=${M2_REPO:-$HOME/.m2/repository}
CP=$M/com/github/jnr/jnr-ffi/2.2.16/jnr-ffi-2.2.16.jar:$M/com/github/jnr/jffi/1.3.13/jffi-1.3.13.jar:$M/com/github/jnr/jffi/1.3.13/jffi-1.3.13-native.jar
for a in asm asm-commons asm-analysis asm-tree asm-util; do CP=$CP:$M/org/ow2/asm/$a/9.2/$a-9.2.jar; done
CP=$CP:$M/com/github/jnr/jnr-a64asm/1.0.0/jnr-a64asm-1.0.0.jar:$M/com/github/jnr/jnr-x86asm/1.0.2/jnr-x86asm-1.0.2.jar
for j in ${CP//:/ }; do [ -f "$j" ] || { echo "missing $j (run a jlibos Maven build once to fetch jnr-ffi)" >&2; exit 1; }; done

mkdir -p target/native target/jnr target/ffm
gcc -O2 -shared -fPIC -o target/native/libprobehooks.so native/probe_hooks.c -lunicorn
"$JDK17/bin/javac" --release 17 -d target/jnr -cp "$CP" src/jnr/JnrProbe.java
"$JDK25/bin/javac" --release 22 -d target/ffm src/ffm/FfmProbe.java
LIB=-Dprobe.lib=$PWD/target/native/libprobehooks.so

for round in $(seq "$ROUNDS"); do
    echo "# round $round"
    for m in nop native-empty native-rw native-batch jnr-empty jnr-rw jnr-batch jnr-downcall; do
        "$JDK17/bin/java" "$LIB" -cp "target/jnr:$CP" JnrProbe $m "$N" "$RUNS"
    done
    for m in jnr-empty jnr-rw jnr-batch jnr-downcall; do
        "$JDK25/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow "$LIB" \
            -cp "target/jnr:$CP" JnrProbe $m "$N" "$RUNS"
    done
    for m in nop native-empty ffm-empty ffm-rw ffm-batch ffm-downcall ffm-rw-critical ffm-batch-critical ffm-downcall-critical; do
        "$JDK25/bin/java" --enable-native-access=ALL-UNNAMED "$LIB" -cp target/ffm FfmProbe $m "$N" "$RUNS"
    done
done
