package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The host's own dynamically linked programs (PT_INTERP: ld-linux-x86-64.so.2 and shared libraries
 * loaded by mmap), natively versus jlibos, on files the test creates. A program missing on the machine
 * is skipped with its name.
 */
class DynamicProgramsTest {
    static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "TZ=UTC", "LC_ALL=C", "HOME=/");

    record Case(String name, String binary, List<List<String>> runs, String stdin) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, String binary, String stdin, String... argv) {
        CASES.add(new Case(name, binary, List.of(List.of(argv)), stdin));
    }

    private static void seq(String name, String binary, String[]... runs) {
        List<List<String>> r = new ArrayList<>();
        for (String[] run : runs) r.add(List.of(run));
        CASES.add(new Case(name, binary, r, ""));
    }

    static {
        add("ls", "/bin/ls", "", "ls", "-1a", ".");
        add("ls-long", "/bin/ls", "", "ls", "-ln", "--time-style=+%Y-%m-%d", "words.txt", "dir");
        add("sort", "/usr/bin/sort", "", "sort", "-r", "words.txt");
        add("sort-stdin", "/usr/bin/sort", "b\na\nc\n", "sort");
        add("grep", "/bin/grep", "", "grep", "-n", "an", "words.txt");
        add("grep-no-match", "/bin/grep", "", "grep", "zzz", "words.txt");
        add("sed", "/bin/sed", "", "sed", "-e", "s/a/A/g", "-e", "2d", "words.txt");
        add("awk", "/usr/bin/awk", "", "awk", "-F,", "{ s += $2 } END { print s, NR }", "data.csv");
        add("date", "/bin/date", "", "date", "-u", "-d", "@86400", "+%F %T");
        add("sha256sum", "/usr/bin/sha256sum", "", "sha256sum", "words.txt", "data.csv");
        add("bash", "/bin/bash", "", "bash", "-c", "x=6; for i in 1 2 3; do x=$((x*i)); done; echo $x ${#x}; printf '%05d\\n' 42");
        // dash (a PIE at 0x555555554000) execs other PIEs at the same address: the engine must not run
        // code translated from the old image (a regression test).
        add("dash-exec-pie", "/bin/sh", "", "sh", "-c", "/bin/ls words.txt; /usr/bin/env true; echo $?; exec /bin/ls -d dir");
        add("perl", "/usr/bin/perl", "", "perl", "-e", "my %h=(a=>1,b=>2); print join(',', map {\"$_=$h{$_}\"} sort keys %h), \"\\n\"");
        add("python3", "/usr/bin/python3", "", "python3", "-c",
                "import json, hashlib, os; print(json.dumps({'k': [1, 2]}), hashlib.sha256(b'jlibos').hexdigest(),"
                        + " sorted(os.listdir('.')))");
        // The first call of a lazily bound libm function goes through ld.so's FXSAVE/FXRSTOR trampoline:
        // with CR4.OSFXSR clear the engine lost xmm0 there, log(10.0) gave -inf and int('7') raised
        // "Exceeds the limit (4300 digits)" (fpustate.c pins the instructions).
        add("python3-int-float", "/usr/bin/python3", "", "python3", "-c",
                "import math; a = int('1000'); print(int('7'), a == 1000, a * 3, int('123456789' * 5) % 97,"
                        + " math.log(10), math.sqrt(2.0), 1 / 3, float('2.5') * 4, str(10 ** 40))");
        add("python3-threading", "/usr/bin/python3", "", "python3", "-c",
                "import threading, queue\n"
                        + "q = queue.Queue(); lock = threading.Lock(); total = [0]\n"
                        + "def work(n):\n"
                        + "    for i in range(2000):\n"
                        + "        with lock: total[0] += 1\n"
                        + "    q.put(n * n)\n"
                        + "ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]\n"
                        + "[t.start() for t in ts]; [t.join() for t in ts]\n"
                        + "print(total[0], sorted(q.get() for _ in ts), threading.active_count())");
        add("git-version", "/usr/bin/git", "", "git", "--version");
        seq("tar", "/bin/tar", new String[] {"tar", "cf", "out.tar", "--sort=name", "--mtime=@0", "--owner=0",
                "--group=0", "words.txt", "dir"}, new String[] {"tar", "tf", "out.tar"});
        // A JVM as a guest, started through /usr/bin/java (a symlink chain: ld.so's $ORIGIN needs /proc/self/exe
        // resolved). Tiered compilation patches code from compiler threads while the main thread runs it: before
        // the engines shared code stores (Cpu.watchCodeStores) 2 runs in 7 failed with NullPointerExceptions
        // inside java.lang.invoke. A thread pool, files, a child process, string concatenation and NullPointerExceptions
        // in JIT-compiled code.
        add("jvm", "/usr/bin/java", "", "java", "-Xshare:auto", "-cp", ".", "JvmGuest");
        seq("gzip", "/bin/gzip", new String[] {"gzip", "-kn", "words.txt"}, new String[] {"gzip", "-dc", "words.txt.gz"});
    }

    static List<Case> cases() {
        return CASES;
    }

    /** The files a case starts with: the common ones, and the JVM guest's class for the jvm case. */
    static Scenario.Fixture fixtureFor(Case c) {
        if (!c.name().equals("jvm")) return DynamicProgramsTest::fixture;
        return d -> {
            fixture(d);
            compileJvmGuest(d);
        };
    }

    static void fixture(Path d) throws IOException {
        Fs.write(d, "words.txt", "banana\napple\ncherry\nblueberry\napricot\n");
        Fs.write(d, "data.csv", "x,3\ny,1\nz,20\n");
        Fs.mkdir(d, "dir");
        Fs.write(d, "dir/one.txt", "1\n");
    }

    /** The JVM guest's program, compiled for Java 11 so that any installed java runs it. */
    private static final String JVM_GUEST = String.join("\n",
            "import java.nio.file.*; import java.util.*; import java.util.concurrent.*;",
            "public class JvmGuest { public static void main(String[] a) throws Exception {",
            "  List<String> words = Files.readAllLines(Path.of(\"words.txt\")); Collections.sort(words); System.out.println(words);",
            "  ExecutorService pool = Executors.newFixedThreadPool(4); List<Future<Long>> fs = new ArrayList<>();",
            "  for (int t = 0; t < 4; t++) { final int k = t; fs.add(pool.submit(() -> { long s = 0;"
                    + " for (int i = 0; i < 2_000_000; i++) s += (i ^ k) % 7; return s; })); }",
            "  long total = 0; for (Future<Long> f : fs) total += f.get(); pool.shutdown(); System.out.println(\"sum \" + total);",
            "  Files.writeString(Path.of(\"out.txt\"), \"written by a guest JVM\\n\");",
            "  System.out.println(Files.readString(Path.of(\"out.txt\")).trim());",
            "  Process p = new ProcessBuilder(\"/bin/echo\", \"child\", \"process\").start();",
            "  System.out.println(new String(p.getInputStream().readAllBytes()).trim() + \" exit \" + p.waitFor());",
            "  for (int i = 0; i < 200; i++) { String s = \"n\" + i + \":\" + (i * 31 % 17); if (i % 50 == 0) System.out.println(s); }",
            // NullPointerExceptions from a loop hot enough to be JIT-compiled: compiled code checks for null
            // implicitly, by taking SIGSEGV and turning the signal into the exception in its handler.
            "  int npes = 0; long acc = 0; for (int i = 0; i < 400_000; i++) { String s = i % 1000 == 999 ? null : \"abc\";"
                    + " try { acc += len(s); } catch (NullPointerException e) { npes++; } }",
            "  System.out.println(\"npes \" + npes + \" acc \" + acc);",
            "}",
            "static int len(String s) { return s.length(); }",
            "}", "");

    private static void compileJvmGuest(Path dir) throws IOException {
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        Assumptions.assumeTrue(javac != null, "no Java compiler in the test JVM");
        Path src = dir.resolve("JvmGuest.java");
        Files.writeString(src, JVM_GUEST);
        int rc = javac.run(null, null, null, "--release", "11", "-d", dir.toString(), src.toString());
        if (rc != 0) throw new IllegalStateException("javac failed for JvmGuest.java");
        Files.delete(src);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesLinux(Case c) throws IOException {
        Path binary = Path.of(c.binary());
        Assumptions.assumeTrue(Files.isExecutable(binary), c.binary() + " is not installed");
        boolean jvm = c.name().equals("jvm");
        // A JVM's code is out of reach of Unicorn 2.0.1's engine-region cap and its #1716 abort.
        Assumptions.assumeTrue(!jvm || dev.jlibos.host.unicorn.Unicorn.pagedTlb(), "a JVM guest needs Unicorn 2.1");
        Scenario.Builder b = new Scenario.Builder("dynamic-" + c.name()).fixture(fixtureFor(c));
        byte[] stdin = c.stdin().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < c.runs().size(); i++) {
            int expected = c.name().equals("grep-no-match") ? 1 : 0;
            // The scenario puts the binary's path in argv[0], as the native runner (ProcessBuilder) must.
            List<String> run = c.runs().get(i);
            b.step(binary, run.subList(1, run.size()), ENV, i == 0 ? stdin : new byte[0], expected);
        }
        Differential.check(b.build());
    }
}
