package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Capability;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.cpu.Cpu;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.core.mem.HostBlock;
import dev.jlibos.core.mem.Vma;
import dev.jlibos.kernel.process.Credentials;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.syscalls.Sysno;
import dev.jlibos.vfs.event.WaitQueue;
import dev.jlibos.vfs.event.Waiter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.TreeMap;

import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.SysvIpc.*;
import static dev.jlibos.core.mem.AddressSpace.PAGE_SIZE;
import static dev.jlibos.core.mem.AddressSpace.pageUp;

/**
 * System V IPC (msgget/msgsnd/msgrcv/msgctl, semget/semop/semtimedop/semctl, shmget/shmat/shmdt/shmctl),
 * one IPC namespace per machine: every process of a machine sees the same queues, semaphore sets and
 * segments, and nothing of the host's. A shared memory segment is one host block mapped into every process
 * that attaches it, and stays shared across fork.
 */
public final class IpcCalls implements SyscallFamily {

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.MSGGET, "per machine (the host's queues are not visible)", this::msgget);
        r.partial(Sysno.MSGSND, "per machine", this::msgsnd);
        r.partial(Sysno.MSGRCV, "per machine; MSG_COPY: ENOSYS", this::msgrcv);
        r.partial(Sysno.MSGCTL, "IPC_STAT/MSG_STAT, IPC_SET, IPC_RMID, IPC_INFO/MSG_INFO", this::msgctl);
        r.partial(Sysno.SEMGET, "per machine", this::semget);
        r.partial(Sysno.SEMOP, "SEM_UNDO adjustments are not applied at exit", (t, a) -> semop(t, a, false));
        r.partial(Sysno.SEMTIMEDOP, "SEM_UNDO adjustments are not applied at exit", (t, a) -> semop(t, a, true));
        r.partial(Sysno.SEMCTL, "IPC_STAT/SEM_STAT, IPC_SET, IPC_RMID, IPC_INFO/SEM_INFO, GET*/SETVAL/SETALL",
                this::semctl);
        r.partial(Sysno.SHMGET, "per machine; SHM_HUGETLB ignored", this::shmget);
        r.full(Sysno.SHMAT, this::shmat);
        r.full(Sysno.SHMDT, this::shmdt);
        r.partial(Sysno.SHMCTL, "IPC_STAT/SHM_STAT, IPC_SET, IPC_RMID, IPC_INFO/SHM_INFO; SHM_LOCK/UNLOCK accepted",
                this::shmctl);
    }

    // ---------------------------------------------------------------------------------------------
    // Objects

    /** What every IPC object has: struct ipc64_perm and its times. */
    abstract static class IpcObject {
        int id, key, uid, gid, cuid, cgid, mode, seq;
        long ctime;
        volatile boolean removed;
        final WaitQueue waiters = new WaitQueue();

        void writePerm(ByteBuffer b) {
            b.putInt(0, key).putInt(4, uid).putInt(8, gid).putInt(12, cuid).putInt(16, cgid).putInt(20, mode)
                    .putShort(24, (short) seq);
        }
    }

    static final class Message {
        final long type;
        final byte[] text;

        Message(long type, byte[] text) {
            this.type = type;
            this.text = text;
        }
    }

    static final class MessageQueue extends IpcObject {
        final ArrayDeque<Message> messages = new ArrayDeque<>();
        long bytes, qbytes = MSGMNB, stime, rtime;
        int lspid, lrpid;
    }

    static final class SemaphoreSet extends IpcObject {
        final int[] values, pids, ncnt, zcnt;
        long otime;

        SemaphoreSet(int n) {
            values = new int[n];
            pids = new int[n];
            ncnt = new int[n];
            zcnt = new int[n];
        }
    }

    static final class Segment extends IpcObject {
        long size, atime, dtime;
        int cpid, lpid, nattch; // nattch and SHM_DEST in mode: under the segment's own lock
        HostBlock block;
    }

    /** One kind of object (queues, semaphore sets or segments) of a namespace, by id and by key. */
    static final class Table<T extends IpcObject> {
        final TreeMap<Integer, T> byIndex = new TreeMap<>();
        int seq;

        T byKey(int key) {
            purge();
            for (T o : byIndex.values()) if (o.key == key && !o.removed) return o;
            return null;
        }

        T byId(int id) {
            if (id < 0) throw Errno.EINVAL.fail();
            T o = byIndex.get(id % IPCMNI);
            if (o == null || o.id != id || o.removed) throw Errno.EINVAL.fail();
            return o;
        }

        /** SEM_STAT and the like take an index, not an id. */
        T byIndex(int index) {
            T o = byIndex.get(index);
            if (o == null || o.removed) throw Errno.EINVAL.fail();
            return o;
        }

        /** Drops objects that went away outside the namespace's lock (a removed segment's last detach). */
        void purge() {
            byIndex.values().removeIf(o -> o.removed);
        }

        void add(T o, int limit) {
            purge();
            int index = 0;
            while (byIndex.containsKey(index)) index++;
            if (index >= limit) throw Errno.ENOSPC.fail();
            o.seq = seq++ & 0xffff;
            o.id = index + o.seq * IPCMNI; // at most 65535 * 32768 + 32767 = Integer.MAX_VALUE
            byIndex.put(index, o);
        }

        void remove(T o) {
            o.removed = true;
            byIndex.remove(o.id % IPCMNI);
            o.waiters.wakeAll();
        }

        int highestIndex() {
            return byIndex.isEmpty() ? 0 : byIndex.lastKey();
        }
    }

    static final class Namespace {
        final Table<MessageQueue> queues = new Table<>();
        final Table<SemaphoreSet> semaphores = new Table<>();
        final Table<Segment> segments = new Table<>();
    }

    private static Namespace ns(GuestThread t) {
        // The machine's IPC objects, created on first use; the machine's lifetime bounds theirs.
        return t.kernel().machineState(Namespace.class, Namespace::new);
    }

    /** The common part of msgget/semget/shmget: find by key or create; {@code check} validates an existing one. */
    private static <T extends IpcObject> int get(GuestThread t, Table<T> table, int key, int flags, int limit,
                                                 java.util.function.Supplier<T> create,
                                                 java.util.function.Consumer<T> check) {
        T found = key == IPC_PRIVATE ? null : table.byKey(key);
        if (found != null) {
            if ((flags & IPC_CREAT) != 0 && (flags & IPC_EXCL) != 0) throw Errno.EEXIST.fail();
            int want = (flags & 0777) >> 6 & 07; // the access bits asked for, as the owner's
            if (want != 0 && !permitted(t, found, want)) throw Errno.EACCES.fail();
            check.accept(found);
            return found.id;
        }
        if (key != IPC_PRIVATE && (flags & IPC_CREAT) == 0) throw Errno.ENOENT.fail();
        T o = create.get();
        Credentials c = t.process.credentials;
        o.key = key;
        o.uid = o.cuid = c.euid;
        o.gid = o.cgid = c.egid;
        o.mode = flags & 0777;
        o.ctime = seconds(t);
        table.add(o, limit);
        return o.id;
    }

    /** ipcperms: {@code want} is a combination of 4 (read) and 2 (write/alter). */
    private static boolean permitted(GuestThread t, IpcObject o, int want) {
        Credentials c = t.process.credentials;
        if (c.capable(Capability.CAP_IPC_OWNER)) return true;
        int granted;
        if (c.euid == o.uid || c.euid == o.cuid) granted = o.mode >> 6;
        else if (c.egid == o.gid || c.egid == o.cgid) granted = o.mode >> 3;
        else granted = o.mode;
        return (want & ~granted & 07) == 0;
    }

    private static void require(GuestThread t, IpcObject o, int want) {
        if (!permitted(t, o, want)) throw Errno.EACCES.fail();
    }

    /** IPC_RMID and IPC_SET: the owner, the creator or root. */
    private static void requireOwner(GuestThread t, IpcObject o) {
        Credentials c = t.process.credentials;
        if (c.euid != o.uid && c.euid != o.cuid && !c.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.fail();
    }

    /** IPC_SET: uid, gid and the low nine mode bits from the caller's struct ipc64_perm. */
    private static void setPerm(GuestThread t, IpcObject o, long address) {
        requireOwner(t, o);
        ByteBuffer b = ByteBuffer.wrap(t.process.memory().read(address, PERM_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        o.uid = b.getInt(4);
        o.gid = b.getInt(8);
        o.mode = (o.mode & ~0777) | (b.getInt(20) & 0777);
        o.ctime = seconds(t);
    }

    private static long seconds(GuestThread t) {
        return Math.floorDiv(TimeCalls.now(t, CLOCK_REALTIME), 1_000_000_000L);
    }

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Runs {@code attempt} under the namespace's lock until it returns a result (non-null), sleeping on
     * {@code o}'s wait queue in between like Linux's interruptible IPC sleeps: a signal ends the wait with
     * EINTR, removal of the object with EIDRM, the deadline with {@code onTimeout}.
     */
    private static long waitFor(GuestThread t, Namespace ns, IpcObject o, long deadline, Errno onTimeout,
                                java.util.function.LongSupplier attempt) {
        Waiter w = InterruptibleSleep.waiter(t);
        o.waiters.add(w);
        try {
            while (true) {
                synchronized (ns) {
                    if (o.removed) throw Errno.EIDRM.fail();
                    long r = attempt.getAsLong();
                    if (r != Long.MIN_VALUE) return r;
                }
                if (!InterruptibleSleep.sleep(t, w, deadline, t.signals.blocked(), false)) throw onTimeout.fail();
            }
        } finally {
            o.waiters.remove(w);
        }
    }

    private static final long WOULD_BLOCK = Long.MIN_VALUE;

    // ---------------------------------------------------------------------------------------------
    // Message queues

    private long msgget(GuestThread t, SyscallArgs a) {
        Namespace ns = ns(t);
        synchronized (ns) {
            return get(t, ns.queues, a.i32(0), a.i32(1), MSGMNI, MessageQueue::new, q -> { });
        }
    }

    private long msgsnd(GuestThread t, SyscallArgs a) {
        int flags = a.i32(3);
        long address = a.get(1), size = a.get(2);
        Namespace ns = ns(t);
        MessageQueue q;
        synchronized (ns) {
            q = ns.queues.byId(a.i32(0));
            if (size < 0 || size > MSGMAX) throw Errno.EINVAL.fail();
            require(t, q, 2);
        }
        AddressSpace m = t.process.memory();
        long type = m.readLong(address);
        if (type < 1) throw Errno.EINVAL.fail();
        byte[] text = m.read(address + 8, (int) size);
        return waitFor(t, ns, q, InterruptibleSleep.FOREVER, Errno.EAGAIN, () -> {
            if (q.bytes + size > q.qbytes || q.messages.size() + 1 > q.qbytes) {
                if ((flags & IPC_NOWAIT) != 0) throw Errno.EAGAIN.fail();
                return WOULD_BLOCK;
            }
            q.messages.addLast(new Message(type, text));
            q.bytes += size;
            q.lspid = t.process.pid;
            q.stime = seconds(t);
            q.waiters.wakeAll();
            return 0;
        });
    }

    private long msgrcv(GuestThread t, SyscallArgs a) {
        long address = a.get(1), size = a.get(2), type = a.get(3);
        int flags = a.i32(4);
        if ((flags & MSG_COPY) != 0) {
            t.kernel().log().once("msgrcv: MSG_COPY is not supported (ENOSYS)");
            throw Errno.ENOSYS.fail();
        }
        if (size < 0) throw Errno.EINVAL.fail();
        Namespace ns = ns(t);
        MessageQueue q;
        synchronized (ns) {
            q = ns.queues.byId(a.i32(0));
            require(t, q, 4);
        }
        AddressSpace m = t.process.memory();
        m.requireAccess(address, 8 + Math.min(size, MSGMAX), true);
        return waitFor(t, ns, q, InterruptibleSleep.FOREVER, Errno.EAGAIN, () -> {
            Message found = null;
            for (Message msg : q.messages) {
                boolean match;
                if (type == 0) match = true;
                else if (type > 0) match = (flags & MSG_EXCEPT) != 0 ? msg.type != type : msg.type == type;
                else match = msg.type <= -type && (found == null || msg.type < found.type);
                if (!match) continue;
                found = msg;
                if (type >= 0) break;
            }
            if (found == null) {
                if ((flags & IPC_NOWAIT) != 0) throw Errno.ENOMSG.fail();
                return WOULD_BLOCK;
            }
            if (found.text.length > size && (flags & MSG_NOERROR) == 0) throw Errno.E2BIG.fail();
            int n = (int) Math.min(found.text.length, size);
            m.writeLong(address, found.type);
            m.write(address + 8, found.text, 0, n);
            q.messages.remove(found);
            q.bytes -= found.text.length;
            q.lrpid = t.process.pid;
            q.rtime = seconds(t);
            q.waiters.wakeAll();
            return n;
        });
    }

    private long msgctl(GuestThread t, SyscallArgs a) {
        int cmd = a.i32(1) & ~IPC_64;
        long address = a.get(2);
        Namespace ns = ns(t);
        synchronized (ns) {
            switch (cmd) {
                case IPC_INFO, MSG_INFO -> {
                    // struct msginfo: msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql, msgseg
                    ByteBuffer b = buffer(32);
                    int used = ns.queues.byIndex.size();
                    long total = 0, count = 0;
                    for (MessageQueue q : ns.queues.byIndex.values()) {
                        total += q.bytes;
                        count += q.messages.size();
                    }
                    b.putInt(0, cmd == MSG_INFO ? used : MSGMNI * MSGMNB / 1024).putInt(4, cmd == MSG_INFO ? (int) count : MSGMNB)
                            .putInt(8, MSGMAX).putInt(12, MSGMNB).putInt(16, MSGMNI).putInt(20, 16)
                            .putInt(24, cmd == MSG_INFO ? (int) total : MSGMNB).putInt(28, 0xffff);
                    t.process.memory().write(address, b.array());
                    return ns.queues.highestIndex();
                }
                case IPC_STAT, MSG_STAT, MSG_STAT_ANY -> {
                    MessageQueue q = cmd == IPC_STAT ? ns.queues.byId(a.i32(0)) : ns.queues.byIndex(a.i32(0));
                    if (cmd != MSG_STAT_ANY) require(t, q, 4);
                    ByteBuffer b = buffer(MSQID_SIZE);
                    q.writePerm(b);
                    b.putLong(48, q.stime).putLong(56, q.rtime).putLong(64, q.ctime).putLong(72, q.bytes)
                            .putLong(80, q.messages.size()).putLong(88, q.qbytes).putInt(96, q.lspid).putInt(100, q.lrpid);
                    t.process.memory().write(address, b.array());
                    return cmd == IPC_STAT ? 0 : q.id;
                }
                case IPC_SET -> {
                    MessageQueue q = ns.queues.byId(a.i32(0));
                    long qbytes = t.process.memory().readLong(address + 88);
                    if (qbytes > MSGMNB && !t.process.credentials.capable(Capability.CAP_SYS_RESOURCE)) throw Errno.EPERM.fail();
                    setPerm(t, q, address);
                    q.qbytes = qbytes;
                    q.waiters.wakeAll();
                    return 0;
                }
                case IPC_RMID -> {
                    MessageQueue q = ns.queues.byId(a.i32(0));
                    requireOwner(t, q);
                    ns.queues.remove(q);
                    return 0;
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Semaphores

    private long semget(GuestThread t, SyscallArgs a) {
        int key = a.i32(0), nsems = a.i32(1), flags = a.i32(2);
        if (nsems < 0 || nsems > SEMMSL) throw Errno.EINVAL.fail();
        Namespace ns = ns(t);
        synchronized (ns) {
            return get(t, ns.semaphores, key, flags, SEMMNI, () -> {
                if (nsems == 0) throw Errno.EINVAL.fail();
                return new SemaphoreSet(nsems);
            }, s -> {
                if (nsems > s.values.length) throw Errno.EINVAL.fail();
            });
        }
    }

    private long semop(GuestThread t, SyscallArgs a, boolean timed) {
        int nsops = a.i32(2);
        long sops = a.get(1);
        if (nsops < 1) throw Errno.EINVAL.fail();
        if (nsops > SEMOPM) throw Errno.E2BIG.fail();
        AddressSpace m = t.process.memory();
        ByteBuffer b = ByteBuffer.wrap(m.read(sops, 6 * nsops)).order(ByteOrder.LITTLE_ENDIAN);
        int[] num = new int[nsops], op = new int[nsops], flg = new int[nsops];
        boolean alter = false;
        for (int i = 0; i < nsops; i++) {
            num[i] = b.getShort(6 * i) & 0xffff;
            op[i] = b.getShort(6 * i + 2);
            flg[i] = b.getShort(6 * i + 4);
            alter |= op[i] != 0;
        }
        long deadline = InterruptibleSleep.FOREVER;
        if (timed && a.get(3) != 0) {
            long nanos = Timespec.read(m, a.get(3));
            deadline = InterruptibleSleep.deadline(nanos);
        }
        Namespace ns = ns(t);
        SemaphoreSet s;
        synchronized (ns) {
            s = ns.semaphores.byId(a.i32(0));
            for (int n : num) if (n >= s.values.length) throw Errno.EFBIG.fail();
            require(t, s, alter ? 2 : 4);
        }
        int pid = t.process.pid;
        int[] waitingOn = {-1};
        boolean[] waitingForZero = {false};
        try {
            return waitFor(t, ns, s, deadline, Errno.EAGAIN, () -> {
                if (waitingOn[0] >= 0) {
                    // Counted as waiting only while asleep (GETNCNT/GETZCNT), as Linux does.
                    if (waitingForZero[0]) s.zcnt[waitingOn[0]]--; else s.ncnt[waitingOn[0]]--;
                    waitingOn[0] = -1;
                }
                int[] v = s.values.clone();
                for (int i = 0; i < nsops; i++) {
                    int cur = v[num[i]];
                    if (op[i] == 0 ? cur != 0 : cur + op[i] < 0) {
                        if ((flg[i] & IPC_NOWAIT) != 0) throw Errno.EAGAIN.fail();
                        waitingOn[0] = num[i];
                        waitingForZero[0] = op[i] == 0;
                        if (op[i] == 0) s.zcnt[num[i]]++; else s.ncnt[num[i]]++;
                        return WOULD_BLOCK;
                    }
                    if (cur + op[i] > SEMVMX) throw Errno.ERANGE.fail();
                    v[num[i]] = cur + op[i];
                }
                System.arraycopy(v, 0, s.values, 0, v.length);
                for (int n : num) s.pids[n] = pid;
                s.otime = seconds(t);
                s.waiters.wakeAll();
                return 0;
            });
        } finally {
            synchronized (ns) {
                if (waitingOn[0] >= 0) {
                    if (waitingForZero[0]) s.zcnt[waitingOn[0]]--; else s.ncnt[waitingOn[0]]--;
                }
            }
        }
    }

    private long semctl(GuestThread t, SyscallArgs a) {
        int semnum = a.i32(1), cmd = a.i32(2) & ~IPC_64;
        long arg = a.get(3);
        AddressSpace m = t.process.memory();
        Namespace ns = ns(t);
        synchronized (ns) {
            switch (cmd) {
                case IPC_INFO, SEM_INFO -> {
                    // struct seminfo: semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem
                    int sets = ns.semaphores.byIndex.size(), sems = 0;
                    for (SemaphoreSet s : ns.semaphores.byIndex.values()) sems += s.values.length;
                    ByteBuffer b = buffer(40);
                    b.putInt(0, SEMMNI).putInt(4, SEMMNI).putInt(8, SEMMNI * SEMMSL).putInt(12, SEMMNI * SEMMSL)
                            .putInt(16, SEMMSL).putInt(20, SEMOPM).putInt(24, SEMOPM).putInt(28, cmd == SEM_INFO ? sets : 96)
                            .putInt(32, SEMVMX).putInt(36, cmd == SEM_INFO ? sems : SEMVMX);
                    m.write(arg, b.array());
                    return ns.semaphores.highestIndex();
                }
                case IPC_STAT, SEM_STAT, SEM_STAT_ANY -> {
                    SemaphoreSet s = cmd == IPC_STAT ? ns.semaphores.byId(a.i32(0)) : ns.semaphores.byIndex(a.i32(0));
                    if (cmd != SEM_STAT_ANY) require(t, s, 4);
                    ByteBuffer b = buffer(SEMID_SIZE);
                    s.writePerm(b);
                    b.putLong(48, s.otime).putLong(64, s.ctime).putLong(80, s.values.length);
                    m.write(arg, b.array());
                    return cmd == IPC_STAT ? 0 : s.id;
                }
                default -> { }
            }
            SemaphoreSet s = ns.semaphores.byId(a.i32(0));
            switch (cmd) {
                case IPC_SET -> {
                    setPerm(t, s, arg);
                    return 0;
                }
                case IPC_RMID -> {
                    requireOwner(t, s);
                    ns.semaphores.remove(s);
                    return 0;
                }
                case GETALL -> {
                    require(t, s, 4);
                    ByteBuffer b = buffer(2 * s.values.length);
                    for (int i = 0; i < s.values.length; i++) b.putShort(2 * i, (short) s.values[i]);
                    m.write(arg, b.array());
                    return 0;
                }
                case SETALL -> {
                    require(t, s, 2);
                    ByteBuffer b = ByteBuffer.wrap(m.read(arg, 2 * s.values.length)).order(ByteOrder.LITTLE_ENDIAN);
                    int[] v = new int[s.values.length];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = b.getShort(2 * i) & 0xffff;
                        if (v[i] > SEMVMX) throw Errno.ERANGE.fail();
                    }
                    System.arraycopy(v, 0, s.values, 0, v.length);
                    java.util.Arrays.fill(s.pids, t.process.pid);
                    s.ctime = seconds(t);
                    s.waiters.wakeAll();
                    return 0;
                }
                default -> { }
            }
            if (semnum < 0 || semnum >= s.values.length) throw Errno.EINVAL.fail();
            switch (cmd) {
                case GETVAL, GETPID, GETNCNT, GETZCNT -> {
                    require(t, s, 4);
                    return switch (cmd) {
                        case GETVAL -> s.values[semnum];
                        case GETPID -> s.pids[semnum];
                        case GETNCNT -> s.ncnt[semnum];
                        default -> s.zcnt[semnum];
                    };
                }
                case SETVAL -> {
                    require(t, s, 2);
                    int value = (int) arg;
                    if (value < 0 || value > SEMVMX) throw Errno.ERANGE.fail();
                    s.values[semnum] = value;
                    s.pids[semnum] = t.process.pid;
                    s.ctime = seconds(t);
                    s.waiters.wakeAll();
                    return 0;
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Shared memory

    private long shmget(GuestThread t, SyscallArgs a) {
        int key = a.i32(0), flags = a.i32(2);
        long size = a.get(1);
        Namespace ns = ns(t);
        synchronized (ns) {
            return get(t, ns.segments, key, flags, SHMMNI, () -> {
                if (size < 1 || size > SHMMAX || pageUp(size) == 0) throw Errno.EINVAL.fail();
                Segment s = new Segment();
                s.size = size;
                s.cpid = t.process.pid;
                s.block = t.kernel().hostMemory().allocate(pageUp(size));
                return s;
            }, s -> {
                if (Long.compareUnsigned(size, s.size) > 0) throw Errno.EINVAL.fail();
            });
        }
    }

    /**
     * One attachment of a segment: the segment's block as the address space sees it. Fork keeps it
     * (both processes map the same pages); when the last area using it goes (shmdt, munmap, exit, exec)
     * the address space frees it, which detaches, and a removed segment without attachments is freed.
     */
    static final class Attachment extends ForkSharedBlock {
        final Segment segment;
        final Namespace ns;
        private boolean detached;

        Attachment(Segment segment, Namespace ns) {
            super(segment.block);
            this.segment = segment;
            this.ns = ns;
        }

        /** Under the segment's own lock (never the namespace's): the address space calls this holding its lock. */
        @Override
        public void free() {
            synchronized (segment) {
                if (detached) return;
                detached = true;
                segment.nattch--;
                if ((segment.mode & SHM_DEST) != 0 && segment.nattch == 0) {
                    segment.removed = true;
                    segment.block.free();
                }
            }
        }
    }

    private long shmat(GuestThread t, SyscallArgs a) {
        long addr = a.get(1);
        int flags = a.i32(2);
        AddressSpace m = t.process.memory();
        Namespace ns = ns(t);
        Attachment attachment;
        long length;
        int prot = Cpu.PROT_READ | ((flags & SHM_RDONLY) == 0 ? Cpu.PROT_WRITE : 0) | ((flags & SHM_EXEC) != 0 ? Cpu.PROT_EXEC : 0);
        synchronized (ns) {
            Segment s = ns.segments.byId(a.i32(0));
            require(t, s, (flags & SHM_RDONLY) != 0 ? 4 : 6);
            length = pageUp(s.size);
            attachment = new Attachment(s, ns);
            synchronized (s) {
                s.nattch++;
            }
        }
        long start;
        try {
            if (addr == 0) {
                start = m.findFree(length, t.process.layout().mmapBase());
            } else {
                if ((addr & (PAGE_SIZE - 1)) != 0) {
                    if ((flags & SHM_RND) == 0) throw Errno.EINVAL.fail();
                    addr &= -PAGE_SIZE; // SHMLBA is the page size on x86-64
                }
                if (addr < AddressSpace.MIN_ADDRESS || addr + length > AddressSpace.USER_END) throw Errno.EINVAL.fail();
                if ((flags & SHM_REMAP) == 0 && !m.isFree(addr, length)) throw Errno.EINVAL.fail();
                start = addr;
            }
            Segment s = attachment.segment;
            m.mapBlock(start, length, prot, "/SYSV" + String.format("%08x", s.key), 0, attachment);
        } catch (RuntimeException e) {
            attachment.free();
            throw e;
        }
        synchronized (ns) {
            Segment s = attachment.segment;
            s.lpid = t.process.pid;
            s.atime = seconds(t);
        }
        return start;
    }

    private long shmdt(GuestThread t, SyscallArgs a) {
        long addr = a.get(0);
        if ((addr & (PAGE_SIZE - 1)) != 0) throw Errno.EINVAL.fail();
        AddressSpace m = t.process.memory();
        Vma first = addr >= AddressSpace.MIN_ADDRESS ? m.find(addr) : null;
        if (first == null || first.start() != addr || first.blockOffset() != 0
                || !(first.block().block() instanceof Attachment attachment)) {
            throw Errno.EINVAL.fail();
        }
        // Every area of this attachment from addr on (mprotect may have split it).
        long end = addr;
        for (Vma v : m.areas()) {
            if (v.start() >= addr && v.block() == first.block() && v.start() == end) end = v.end();
        }
        Namespace ns = attachment.ns;
        synchronized (ns) {
            attachment.segment.lpid = t.process.pid;
            attachment.segment.dtime = seconds(t);
        }
        m.unmap(addr, end - addr);
        return 0;
    }

    private long shmctl(GuestThread t, SyscallArgs a) {
        int cmd = a.i32(1) & ~IPC_64;
        long address = a.get(2);
        AddressSpace m = t.process.memory();
        Namespace ns = ns(t);
        synchronized (ns) {
            switch (cmd) {
                case IPC_INFO -> {
                    // struct shminfo64: shmmax, shmmin, shmmni, shmseg, shmall, 4 unused (all unsigned long)
                    ByteBuffer b = buffer(72);
                    b.putLong(0, SHMMAX).putLong(8, 1).putLong(16, SHMMNI).putLong(24, SHMMNI).putLong(32, SHMALL);
                    m.write(address, b.array());
                    return ns.segments.highestIndex();
                }
                case SHM_INFO -> {
                    // struct shm_info: int used_ids; unsigned long shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes
                    long pages = 0;
                    for (Segment s : ns.segments.byIndex.values()) pages += pageUp(s.size) / PAGE_SIZE;
                    ByteBuffer b = buffer(48);
                    b.putInt(0, ns.segments.byIndex.size()).putLong(8, pages).putLong(16, pages);
                    m.write(address, b.array());
                    return ns.segments.highestIndex();
                }
                case IPC_STAT, SHM_STAT, SHM_STAT_ANY -> {
                    Segment s = cmd == IPC_STAT ? ns.segments.byId(a.i32(0)) : ns.segments.byIndex(a.i32(0));
                    if (cmd != SHM_STAT_ANY) require(t, s, 4);
                    ByteBuffer b = buffer(SHMID_SIZE);
                    s.writePerm(b);
                    int nattch;
                    synchronized (s) {
                        nattch = s.nattch;
                    }
                    b.putLong(48, s.size).putLong(56, s.atime).putLong(64, s.dtime).putLong(72, s.ctime)
                            .putInt(80, s.cpid).putInt(84, s.lpid).putLong(88, nattch);
                    m.write(address, b.array());
                    return cmd == IPC_STAT ? 0 : s.id;
                }
                case IPC_SET -> {
                    setPerm(t, ns.segments.byId(a.i32(0)), address);
                    return 0;
                }
                case IPC_RMID -> {
                    Segment s = ns.segments.byId(a.i32(0));
                    requireOwner(t, s);
                    // The key goes at once; the id lives on (and can still be attached, as on Linux) until
                    // the last attachment goes.
                    synchronized (s) {
                        s.mode |= SHM_DEST;
                        s.key = IPC_PRIVATE;
                        if (s.nattch == 0) {
                            ns.segments.remove(s);
                            s.block.free();
                        }
                    }
                    return 0;
                }
                case SHM_LOCK, SHM_UNLOCK -> {
                    Segment s = ns.segments.byId(a.i32(0));
                    requireOwner(t, s);
                    s.mode = cmd == SHM_LOCK ? s.mode | SHM_LOCKED : s.mode & ~SHM_LOCKED;
                    return 0;
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
    }
}
