package dev.jlibos.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * busybox-static applets, natively versus jlibos. Every input file is created by the test with a
 * fixed mtime (2021-01-01 UTC) and TZ=UTC, so ls -l, tar and gzip output is reproducible.
 */
class BusyboxTest {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "TZ=UTC", "LC_ALL=C", "HOME=/");

    @BeforeAll
    static void busyboxPresent() {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX), "/bin/busybox (Debian busybox-static) not installed");
    }

    /** A named case: one or more applet runs (argv after "busybox"), stdin for each, expected statuses. */
    record Case(String name, List<List<String>> runs, byte[] stdin, int[] statuses) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, int status, String stdin, String... argv) {
        CASES.add(new Case(name, List.of(List.of(argv)), bytes(stdin), new int[] {status}));
    }

    private static void ok(String name, String... argv) {
        add(name, 0, "", argv);
    }

    private static void okStdin(String name, String stdin, String... argv) {
        add(name, 0, stdin, argv);
    }

    /** Several runs in the same directory, each expected to exit 0. */
    private static void seq(String name, String[]... runs) {
        int[] st = new int[runs.length];
        CASES.add(new Case(name, Arrays.stream(runs).map(List::of).toList(), new byte[0], st));
    }

    static {
        ok("echo", "echo", "hello", "world");
        ok("sh-pipeline", "sh", "-c", "cat words.txt | sort | head -n 3 | wc -l; echo $(echo nested) $((6*7))");
        // Job control from the shell: the stopped job shows state T, SIGTERM waits for SIGCONT, then kills it.
        ok("sh-kill-stop-cont", "sh", "-c", "sleep 5 & p=$!; kill -STOP $p; sleep 0.2; cut -d' ' -f3 /proc/$p/stat;"
                + " kill -TERM $p; sleep 0.1; cut -d' ' -f3 /proc/$p/stat; kill -CONT $p; wait $p; echo status $?");
        add("sh-status", 3, "", "sh", "-c", "(exit 2); echo $?; false || true; exit 3");
        ok("sh-redirect", "sh", "-c", "echo one > out.txt; echo two >> out.txt; cat < out.txt; ls out.txt");
        ok("find-exec", "find", "dir", "-name", "*.txt", "-exec", "cat", "{}", ";");
        ok("echo -n", "echo", "-n", "no newline");
        ok("echo -e", "echo", "-e", "tab\\there\\nnewline\\\\");
        ok("cat files", "cat", "a.txt", "words.txt");
        okStdin("cat stdin", "from stdin\nline 2\n", "cat");
        okStdin("cat dash", "middle\n", "cat", "a.txt", "-", "a.txt");
        add("cat missing", 1, "", "cat", "missing.txt");
        ok("wc", "wc", "a.txt", "words.txt", "nums.txt");
        okStdin("wc -l stdin", "1\n2\n3\n", "wc", "-l");
        ok("sort", "sort", "words.txt");
        ok("sort -n", "sort", "-n", "nums.txt");
        ok("sort -rn", "sort", "-r", "-n", "nums.txt");
        ok("sort -t, -k2", "sort", "-t", ",", "-k", "2", "data.csv");
        okStdin("sort -u stdin", "b\na\nb\nc\na\n", "sort", "-u");
        ok("uniq -c", "uniq", "-c", "sorted.txt");
        ok("uniq -d", "uniq", "-d", "sorted.txt");
        ok("head -n", "head", "-n", "3", "lines.txt");
        ok("head -c", "head", "-c", "10", "lines.txt");
        ok("tail -n", "tail", "-n", "2", "lines.txt");
        ok("tail -c", "tail", "-c", "7", "lines.txt");
        okStdin("tail stdin", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "tail");
        ok("cut -d -f", "cut", "-d", ",", "-f", "2", "data.csv");
        ok("cut -c", "cut", "-c", "1-3", "words.txt");
        okStdin("tr upper", "Hello, World\n", "tr", "a-z", "A-Z");
        okStdin("tr -d", "remove the vowels\n", "tr", "-d", "aeiou");
        okStdin("tr -s", "a    b  c\n", "tr", "-s", " ");
        ok("sed s///g", "sed", "s/o/0/g", "words.txt");
        ok("sed -n p", "sed", "-n", "2,3p", "lines.txt");
        ok("sed -i", "sed", "-i", "s/line/LINE/", "lines.txt");
        okStdin("sed stdin", "foo bar foo\n", "sed", "-e", "s/foo/baz/2", "-e", "s/bar/[&]/");
        ok("awk sum", "awk", "-F", ",", "{ s += $2 } END { print NR, s }", "data.csv");
        ok("awk printf", "awk", "BEGIN { for (i = 0; i < 6; i++) printf \"%d %.3f %e %s\\n\", i, i / 3, i * 1e10, substr(\"abcdef\", i, 2) }");
        okStdin("awk fields", "a b c\nd e f\n", "awk", "{ print $3, $1; n += NF } END { print n }");
        ok("grep", "grep", "o", "words.txt");
        ok("grep -n -i", "grep", "-n", "-i", "APPLE", "words.txt");
        ok("grep -c", "grep", "-c", "a", "words.txt");
        ok("grep -v", "grep", "-v", "a", "words.txt");
        ok("grep -E", "grep", "-E", "^(b|c).*[ry]$", "words.txt");
        add("grep no match", 1, "", "grep", "zebra", "words.txt");
        add("grep missing file", 2, "", "grep", "x", "missing.txt");
        ok("seq", "seq", "10");
        ok("seq step", "seq", "1", "3", "20");
        ok("seq -w", "seq", "-w", "8", "11");
        ok("expr mul", "expr", "6", "*", "7");
        ok("expr length", "expr", "length", "hello");
        add("expr false", 1, "", "expr", "1", "=", "2");
        ok("printf", "printf", "%s-%d-%x-%5.2f-%c|%-4s|\\n", "a", "42", "255", "3.14159", "z", "ab");
        ok("md5sum", "md5sum", "a.txt", "big.bin");
        ok("sha256sum", "sha256sum", "a.txt", "big.bin");
        okStdin("sha256sum stdin", "abc", "sha256sum");
        ok("base64", "base64", "big.bin");
        okStdin("base64 -d", "aGVsbG8sIGJhc2U2NAo=\n", "base64", "-d");
        ok("od -c", "od", "-c", "a.txt");
        ok("od -x", "od", "-A", "d", "-t", "x2", "big.bin");
        ok("ls -1", "ls", "-1");
        ok("ls -la dir", "ls", "-l", "a.txt", "words.txt", "link", "dir/one.txt");
        ok("ls -R", "ls", "-R", "dir");
        ok("find", "find", "dir");
        ok("find -name", "find", ".", "-name", "*.txt", "-type", "f");
        ok("du", "du", "-a", "-k", "dir");
        ok("stat", "stat", "-c", "%n %s %F %a", "a.txt", "dir", "link", "big.bin");
        ok("readlink", "readlink", "link");
        add("readlink not a link", 1, "", "readlink", "a.txt");
        seq("tar create+list", new String[] {"tar", "-cf", "out.tar", "a.txt", "words.txt", "dir"},
                new String[] {"tar", "-tvf", "out.tar"},
                new String[] {"mkdir", "x"},
                new String[] {"tar", "-xf", "out.tar", "-C", "x"});
        seq("gzip round trip", new String[] {"gzip", "-k", "big.bin"},
                new String[] {"gunzip", "-c", "big.bin.gz"},
                new String[] {"gzip", "-d", "-c", "big.bin.gz"},
                new String[] {"mv", "big.bin.gz", "copy.bin.gz"},
                new String[] {"gunzip", "copy.bin.gz"},
                new String[] {"cmp", "big.bin", "copy.bin"});
        okStdin("gzip stdin", "compress me ".repeat(200), "gzip", "-c");
        ok("dd", "dd", "if=big.bin", "of=part.bin", "bs=512", "skip=2", "count=3");
        ok("dd /dev/zero", "dd", "if=/dev/zero", "of=zero.bin", "bs=1024", "count=8");
        okStdin("dd stdin", "0123456789abcdef", "dd", "bs=4", "skip=1", "count=2");
        okStdin("xargs", "a b c\nd e\nf\n", "xargs", "-n", "2", BUSYBOX.toString(), "echo");
        ok("env -i", "env", "-i", "A=1", "B=two words");
        ok("uname", "uname", "-s", "-m");
        ok("basename", "basename", "/a/b/c.txt", ".txt");
        ok("dirname", "dirname", "/a/b/c.txt");
        ok("sleep", "sleep", "0.1");
        ok("true", "true");
        add("false", 1, "", "false");
        ok("test -f", "test", "-f", "a.txt");
        add("test -d", 1, "", "test", "-d", "a.txt");
        seq("file ops", new String[] {"cp", "-p", "a.txt", "copy.txt"}, new String[] {"mv", "copy.txt", "moved.txt"},
                new String[] {"ln", "-s", "moved.txt", "sym"}, new String[] {"chmod", "600", "moved.txt"},
                new String[] {"mkdir", "-p", "p/q/r"}, new String[] {"touch", "-d", "2020-02-02 02:02:02", "p/q/r/t"},
                new String[] {"rm", "words.txt"}, new String[] {"rm", "-r", "dir"}, new String[] {"ls", "-R", "p"},
                // Not ls -l: the directories made above carry the current time.
                new String[] {"stat", "-c", "%n %s %F %a", "p/q/r/t", "moved.txt", "sym"},
                new String[] {"ls", "-l", "p/q/r/t", "moved.txt"});
    }

    static List<Case> cases() {
        return CASES;
    }

    /** The same files for both sides. */
    static void fixture(Path d) throws IOException {
        Fs.write(d, "a.txt", "hello world\nsecond line\n");
        Fs.write(d, "words.txt", "banana\napple\ncherry\nblueberry\napricot\ncranberry\nfig\n");
        Fs.write(d, "nums.txt", "10\n9\n100\n-3\n42\n7\n0\n");
        Fs.write(d, "sorted.txt", "a\na\nb\nc\nc\nc\nd\n");
        Fs.write(d, "lines.txt", "line 1\nline 2\nline 3\nline 4\nline 5\n");
        Fs.write(d, "data.csv", "x,3\ny,1\nz,20\nw,2\n");
        byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 ^ i >> 3);
        Fs.write(d, "big.bin", big);
        Fs.mkdir(d, "dir");
        Fs.write(d, "dir/one.txt", "1\n");
        Fs.mkdir(d, "dir/sub");
        Fs.write(d, "dir/sub/two.txt", "22\n");
        Path link = Files.createSymbolicLink(d.resolve("link"), Path.of("a.txt"));
        // ls -l shows the link's own mtime: fix it too (lutimes, not following the link).
        Files.getFileAttributeView(link, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(Fs.FIXED_MTIME, null, null);
    }

    @ParameterizedTest(name = "busybox {0}")
    @MethodSource("cases")
    void matchesLinux(Case c) throws IOException {
        Scenario.Builder b = new Scenario.Builder("busybox-" + c.name()).fixture(BusyboxTest::fixture);
        for (int i = 0; i < c.runs().size(); i++) {
            b.step(BUSYBOX, c.runs().get(i), ENV, i == 0 ? c.stdin() : new byte[0], c.statuses()[i]);
        }
        Differential.check(b.build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
