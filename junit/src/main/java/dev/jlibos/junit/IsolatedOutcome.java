package dev.jlibos.junit;

import dev.jlibos.kernel.process.ExitStatus;
import dev.jlibos.kernel.process.Limit;
import dev.jlibos.syscalls.trace.SyscallRecord;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an isolated child JVM reports (its output goes to files of its own): a finished run, or why the
 * guest could not run. A plain data format rather than Java serialization, because the parent must not
 * deserialize objects from a JVM that ran untrusted code.
 */
record IsolatedOutcome(String launchFailure, String error, ExitStatus status, Set<Limit> limits, long stdoutDropped,
                       long stderrDropped, List<SyscallRecord> trace, long syscallCount, boolean traceComplete,
                       String diagnostics, Duration elapsed) {
    private static final int RESULT = 0, LAUNCH_FAILURE = 1, ERROR = 2;
    /** Sanity bound on anything read back: a corrupt file gives an IOException, not an OutOfMemoryError. */
    private static final int MAX_STRING = 64 << 20, MAX_RECORDS = 10_000_000;

    static void writeResult(Path file, GuestResult r) throws IOException {
        try (DataOutputStream out = open(file)) {
            out.writeByte(RESULT);
            out.writeInt(r.status().code());
            out.writeInt(r.status().signal());
            out.writeLong(r.status().faultAddress());
            out.writeInt(r.exceededLimits().size());
            for (Limit l : r.exceededLimits()) writeString(out, l.name());
            out.writeLong(r.stdoutDropped());
            out.writeLong(r.stderrDropped());
            out.writeInt(r.trace().size());
            for (SyscallRecord c : r.trace()) writeCall(out, c);
            out.writeLong(r.syscallCount());
            out.writeBoolean(r.traceComplete());
            writeString(out, r.diagnostics());
            out.writeLong(r.elapsed().toNanos());
        }
    }

    static void writeFailure(Path file, boolean launch, String message) throws IOException {
        try (DataOutputStream out = open(file)) {
            out.writeByte(launch ? LAUNCH_FAILURE : ERROR);
            writeString(out, message);
        }
    }

    static IsolatedOutcome read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int kind = in.readByte();
            if (kind == LAUNCH_FAILURE) return new IsolatedOutcome(readString(in), null, null, null, 0, 0, null, 0, false, null, null);
            if (kind == ERROR) return new IsolatedOutcome(null, readString(in), null, null, 0, 0, null, 0, false, null, null);
            if (kind != RESULT) throw new IOException("unknown outcome kind " + kind);
            ExitStatus status = new ExitStatus(in.readInt(), in.readInt(), in.readLong());
            Set<Limit> limits = EnumSet.noneOf(Limit.class);
            for (int i = count(in); i > 0; i--) limits.add(Limit.valueOf(readString(in)));
            long outDropped = in.readLong(), errDropped = in.readLong();
            List<SyscallRecord> trace = new ArrayList<>();
            for (int i = count(in); i > 0; i--) trace.add(readCall(in));
            return new IsolatedOutcome(null, null, status, limits, outDropped, errDropped, List.copyOf(trace),
                    in.readLong(), in.readBoolean(), readString(in), Duration.ofNanos(in.readLong()));
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt outcome: " + e.getMessage(), e);
        }
    }

    private static DataOutputStream open(Path file) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    private static void writeCall(DataOutputStream out, SyscallRecord c) throws IOException {
        out.writeInt(c.pid());
        out.writeInt(c.tid());
        out.writeInt(c.number());
        writeString(out, c.name());
        out.writeInt(c.args().length);
        for (long a : c.args()) out.writeLong(a);
        out.writeLong(c.result());
        out.writeInt(c.errno());
        out.writeLong(c.startNanos());
        out.writeLong(c.durationNanos());
        out.writeBoolean(c.text() != null);
        if (c.text() != null) writeString(out, c.text());
    }

    private static SyscallRecord readCall(DataInputStream in) throws IOException {
        int pid = in.readInt(), tid = in.readInt(), number = in.readInt();
        String name = readString(in);
        int n = in.readInt();
        if (n < 0 || n > 6) throw new IOException("bad syscall argument count " + n);
        long[] args = new long[n];
        for (int i = 0; i < n; i++) args[i] = in.readLong();
        long result = in.readLong();
        int errno = in.readInt();
        long start = in.readLong(), duration = in.readLong();
        String text = in.readBoolean() ? readString(in) : null;
        return new SyscallRecord(pid, tid, number, name, args, result, errno, start, duration, text);
    }

    /** Length-prefixed UTF-8: writeUTF stops at 64 KiB, and diagnostics or stack traces may be longer. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING) throw new IOException("bad string length " + n);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_RECORDS) throw new IOException("bad count " + n);
        return n;
    }
}
