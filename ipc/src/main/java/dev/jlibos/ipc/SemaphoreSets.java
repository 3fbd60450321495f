package dev.jlibos.ipc;

import dev.jlibos.core.Errno;
import dev.jlibos.core.mem.AddressSpace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.jlibos.core.abi.SysvIpc.*;

/** A namespace's semaphore sets: semget, semop/semtimedop and semctl once their arguments are decoded. */
public final class SemaphoreSets {
    private final IpcNamespace ns;
    private final IpcTable<SemaphoreSet> table = new IpcTable<>();

    SemaphoreSets(IpcNamespace ns) {
        this.ns = ns;
    }

    public int get(IpcCaller c, int key, int nsems, int flags) {
        if (nsems < 0 || nsems > SEMMSL) throw Errno.EINVAL.fail();
        return ns.get(c, table, key, flags, SEMMNI, () -> {
            if (nsems == 0) throw Errno.EINVAL.fail();
            return new SemaphoreSet(nsems);
        }, s -> {
            if (nsems > s.size()) throw Errno.EINVAL.fail();
        });
    }

    /**
     * semop: applies all of {@code ops} at once or none, sleeping (until {@code deadline}, then EAGAIN) while
     * one of them would take a value below zero or waits for zero on a value that is not.
     */
    public long operate(IpcCaller c, int id, SemaphoreOps ops, long deadline) {
        int[] num = ops.num(), op = ops.op(), flg = ops.flags();
        SemaphoreSet s;
        synchronized (ns) {
            s = table.byId(id);
            for (int n : num) if (n >= s.size()) throw Errno.EFBIG.fail();
            s.require(c, ops.alters() ? 2 : 4);
        }
        int pid = c.pid();
        int[] waitingOn = {-1};
        boolean[] waitingForZero = {false};
        try {
            return ns.waitFor(c, s, deadline, Errno.EAGAIN, () -> {
                if (waitingOn[0] >= 0) {
                    // Counted as waiting only while asleep (GETNCNT/GETZCNT), as Linux does.
                    if (waitingForZero[0]) s.zcnt[waitingOn[0]]--; else s.ncnt[waitingOn[0]]--;
                    waitingOn[0] = -1;
                }
                int[] v = s.values.clone();
                for (int i = 0; i < num.length; i++) {
                    int cur = v[num[i]];
                    if (op[i] == 0 ? cur != 0 : cur + op[i] < 0) {
                        if ((flg[i] & IPC_NOWAIT) != 0) throw Errno.EAGAIN.fail();
                        waitingOn[0] = num[i];
                        waitingForZero[0] = op[i] == 0;
                        if (op[i] == 0) s.zcnt[num[i]]++; else s.ncnt[num[i]]++;
                        return IpcNamespace.WOULD_BLOCK;
                    }
                    if (cur + op[i] > SEMVMX) throw Errno.ERANGE.fail();
                    v[num[i]] = cur + op[i];
                }
                System.arraycopy(v, 0, s.values, 0, v.length);
                for (int n : num) s.pids[n] = pid;
                s.otime = c.seconds();
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

    /** semctl: {@code cmd} as the guest passed it (IPC_64 allowed); {@code arg} is the union semun. */
    public long control(IpcCaller c, int id, int semnum, int cmd, long arg) {
        cmd &= ~IPC_64;
        AddressSpace m = c.memory();
        synchronized (ns) {
            switch (cmd) {
                case IPC_INFO, SEM_INFO -> {
                    m.write(arg, info(cmd == SEM_INFO).array());
                    return table.highestIndex();
                }
                case IPC_STAT, SEM_STAT, SEM_STAT_ANY -> {
                    return table.stat(c, id, cmd == IPC_STAT, cmd == SEM_STAT_ANY, arg, SemaphoreSets::stat);
                }
                default -> { }
            }
            SemaphoreSet s = table.byId(id);
            switch (cmd) {
                case IPC_SET -> {
                    s.setPerm(c, arg);
                    return 0;
                }
                case IPC_RMID -> {
                    s.requireOwner(c);
                    table.remove(s);
                    return 0;
                }
                case GETALL -> {
                    s.require(c, 4);
                    ByteBuffer b = IpcNamespace.struct(2 * s.size());
                    for (int i = 0; i < s.size(); i++) b.putShort(2 * i, (short) s.values[i]);
                    m.write(arg, b.array());
                    return 0;
                }
                case SETALL -> {
                    s.require(c, 2);
                    setAll(c, s, ByteBuffer.wrap(m.read(arg, 2 * s.size())).order(ByteOrder.LITTLE_ENDIAN));
                    return 0;
                }
                default -> { }
            }
            if (semnum < 0 || semnum >= s.size()) throw Errno.EINVAL.fail();
            switch (cmd) {
                case GETVAL, GETPID, GETNCNT, GETZCNT -> {
                    s.require(c, 4);
                    return switch (cmd) {
                        case GETVAL -> s.values[semnum];
                        case GETPID -> s.pids[semnum];
                        case GETNCNT -> s.ncnt[semnum];
                        default -> s.zcnt[semnum];
                    };
                }
                case SETVAL -> {
                    s.require(c, 2);
                    int value = (int) arg;
                    if (value < 0 || value > SEMVMX) throw Errno.ERANGE.fail();
                    s.values[semnum] = value;
                    s.pids[semnum] = c.pid();
                    s.ctime = c.seconds();
                    s.waiters.wakeAll();
                    return 0;
                }
                default -> throw Errno.EINVAL.fail();
            }
        }
    }

    /** SETALL: every value from the caller's unsigned short array, all or none (ERANGE). */
    private static void setAll(IpcCaller c, SemaphoreSet s, ByteBuffer b) {
        int[] v = new int[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getShort(2 * i) & 0xffff;
            if (v[i] > SEMVMX) throw Errno.ERANGE.fail();
        }
        System.arraycopy(v, 0, s.values, 0, v.length);
        Arrays.fill(s.pids, c.pid());
        s.ctime = c.seconds();
        s.waiters.wakeAll();
    }

    /** struct semid64_ds. */
    private static ByteBuffer stat(SemaphoreSet s) {
        ByteBuffer b = IpcNamespace.struct(SEMID_SIZE);
        s.writePerm(b);
        b.putLong(48, s.otime).putLong(64, s.ctime).putLong(80, s.size());
        return b;
    }

    /** struct seminfo: semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem. */
    private ByteBuffer info(boolean usage) {
        int sets = table.size(), sems = 0;
        for (SemaphoreSet s : table.all()) sems += s.size();
        ByteBuffer b = IpcNamespace.struct(40);
        b.putInt(0, SEMMNI).putInt(4, SEMMNI).putInt(8, SEMMNI * SEMMSL).putInt(12, SEMMNI * SEMMSL)
                .putInt(16, SEMMSL).putInt(20, SEMOPM).putInt(24, SEMOPM).putInt(28, usage ? sets : 96)
                .putInt(32, SEMVMX).putInt(36, usage ? sems : SEMVMX);
        return b;
    }
}
