package dev.jlibos.bench;

import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.host.HostSyscalls;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.host.memory.MmapHostMemory;
import dev.jlibos.host.syscall.LibcHostSyscalls;
import dev.jlibos.kernel.Families;
import dev.jlibos.kernel.Kernels;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.Kernel;
import dev.jlibos.kernel.process.KernelLog;
import dev.jlibos.kernel.process.ProcessTable;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.sys.HostOffload;
import dev.jlibos.kernel.syscall.SyscallHandler;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.syscalls.offload.OffloadAllowlist;
import dev.jlibos.syscalls.offload.OffloadSpec;
import dev.jlibos.vfs.FdTable;
import dev.jlibos.vfs.FsContext;
import dev.jlibos.vfs.HostFile;
import dev.jlibos.vfs.HostFs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * The Java side of one syscall, without the engine: registry dispatch of getpid, guest memory copies
 * through the AddressSpace, offload marshalling (uname, a 1-byte pread, fstat) and the bare jnr-ffi
 * host syscall underneath it. A guest process is assembled by hand (no CPU: none of these touch it).
 *
 * <p>{@code mvn -o -q -pl bench -am package -DskipTests && java -cp "bench/target/classes:$(cat
 * bench/target/classpath)" org.openjdk.jmh.Main}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPaths {
    private static final long BUFFER = 0x400000;

    private final HostSyscalls host = LibcHostSyscalls.INSTANCE;
    private GuestThread thread;
    private SyscallArgs args;
    private SyscallHandler getpid;
    private HostOffload offload;
    private OffloadSpec uname, pread, fstat;
    private AddressSpace memory;
    private HostFs hostFs;
    private final byte[] bytes64 = new byte[64];
    private int guestFd;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        MmapHostMemory hostMemory = new MmapHostMemory();
        Kernel kernel = Kernels.create(() -> null, hostMemory, new KernelLog(new PrintStream(OutputStream.nullOutputStream()), false), null);
        memory = new AddressSpace(hostMemory);
        memory.map(BUFFER, 1 << 16, 3, "bench");
        GuestProcess process = new GuestProcess(kernel, ProcessTable.FIRST_PID, 1, memory, new FdTable(), new Credentials(0, 0));
        hostFs = new HostFs(host, hostMemory);
        process.useFs(FsContext.open(hostFs, "/tmp"));
        thread = new GuestThread(process, process.pid, null);
        args = thread.syscallArgs;
        getpid = Families.registry().get(Sysno.GETPID).handler();
        offload = new HostOffload(host);
        uname = OffloadAllowlist.get(Sysno.UNAME);
        pread = OffloadAllowlist.get(Sysno.PREAD64);
        fstat = OffloadAllowlist.get(Sysno.FSTAT);
        int fd = hostFs.openat(HostFs.AT_FDCWD, "/etc/passwd".getBytes(), 0x80000, 0, 0);
        guestFd = process.files.install(new HostFile(hostFs, fd, "/etc/passwd", 0), false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        memory.close();
    }

    private void set(int nr, long a0, long a1, long a2, long a3) {
        long[] r = args.registers();
        r[0] = nr;
        r[1] = a0;
        r[2] = a1;
        r[3] = a2;
        r[4] = a3;
    }

    /** The registry lookup and handler call the dispatcher makes for getpid. */
    @Benchmark
    public long dispatchGetpid() throws Exception {
        set(Sysno.GETPID, 0, 0, 0, 0);
        return Families.registry().get(args.number()).handler().call(thread, args);
    }

    /** The handler alone, already looked up. */
    @Benchmark
    public long getpidHandler() throws Exception {
        return getpid.call(thread, args);
    }

    /** copy_to_user / copy_from_user of 64 bytes. */
    @Benchmark
    public byte[] guestMemoryWriteRead64() {
        memory.write(BUFFER + 128, bytes64, 0, 64);
        memory.read(BUFFER + 128, bytes64, 0, 64);
        return bytes64;
    }

    @Benchmark
    public long guestMemoryReadLong() {
        return memory.readLong(BUFFER + 8);
    }

    /** The bare host call under every forwarded syscall: jnr-ffi into libc's syscall(2). */
    @Benchmark
    public long hostGetppid() {
        return host.call(Sysno.GETPPID, 0, 0, 0);
    }

    /** Forwarded uname: a 390-byte struct copied back. */
    @Benchmark
    public long offloadUname() {
        set(Sysno.UNAME, BUFFER, 0, 0, 0);
        return offload.forward(thread, uname, args);
    }

    /** Forwarded pread of 1 byte: fd translation, an output buffer copied back for the byte read. */
    @Benchmark
    public long offloadPread1() {
        set(Sysno.PREAD64, guestFd, BUFFER, 1, 0);
        return offload.forward(thread, pread, args);
    }

    /** Forwarded fstat: a 144-byte struct. */
    @Benchmark
    public long offloadFstat() {
        set(Sysno.FSTAT, guestFd, BUFFER, 0, 0);
        return offload.forward(thread, fstat, args);
    }
}
