package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.core.abi.Timespec;
import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.ipc.IpcCaller;
import dev.jlibos.ipc.IpcNamespace;
import dev.jlibos.ipc.SemaphoreOps;
import dev.jlibos.ipc.SharedSegments;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.signals.InterruptibleSleep;
import dev.jlibos.signals.SignalThread;
import dev.jlibos.syscalls.Sysno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.jlibos.core.abi.Clocks.CLOCK_REALTIME;
import static dev.jlibos.core.abi.SysvIpc.MSG_COPY;
import static dev.jlibos.core.abi.SysvIpc.SEMOPM;

/**
 * System V IPC (msgget/msgsnd/msgrcv/msgctl, semget/semop/semtimedop/semctl, shmget/shmat/shmdt/shmctl):
 * this family decodes the arguments; the objects and their rules are the {@code ipc} module's
 * {@link IpcNamespace}, one per machine, so every process of a machine sees the same queues, semaphore
 * sets and segments, and nothing of the host's.
 */
public final class IpcCalls implements SyscallFamily {

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.MSGGET, "per machine (the host's queues are not visible)",
                (t, a) -> ns(t).queues().get(caller(t), a.i32(0), a.i32(1)));
        r.partial(Sysno.MSGSND, "per machine",
                (t, a) -> ns(t).queues().send(caller(t), a.i32(0), a.get(1), a.get(2), a.i32(3)));
        r.partial(Sysno.MSGRCV, "per machine; MSG_COPY: ENOSYS", this::msgrcv);
        r.partial(Sysno.MSGCTL, "IPC_STAT/MSG_STAT, IPC_SET, IPC_RMID, IPC_INFO/MSG_INFO",
                (t, a) -> ns(t).queues().control(caller(t), a.i32(0), a.i32(1), a.get(2)));
        r.partial(Sysno.SEMGET, "per machine", (t, a) -> ns(t).semaphores().get(caller(t), a.i32(0), a.i32(1), a.i32(2)));
        r.partial(Sysno.SEMOP, "SEM_UNDO adjustments are not applied at exit", (t, a) -> semop(t, a, false));
        r.partial(Sysno.SEMTIMEDOP, "SEM_UNDO adjustments are not applied at exit", (t, a) -> semop(t, a, true));
        r.partial(Sysno.SEMCTL, "IPC_STAT/SEM_STAT, IPC_SET, IPC_RMID, IPC_INFO/SEM_INFO, GET*/SETVAL/SETALL",
                (t, a) -> ns(t).semaphores().control(caller(t), a.i32(0), a.i32(1), a.i32(2), a.get(3)));
        r.partial(Sysno.SHMGET, "per machine; SHM_HUGETLB ignored",
                (t, a) -> ns(t).segments().get(caller(t), a.i32(0), a.get(1), a.i32(2)));
        r.full(Sysno.SHMAT, (t, a) -> ns(t).segments().attach(caller(t), a.i32(0), a.get(1), a.i32(2),
                t.process.layout().mmapBase()));
        r.full(Sysno.SHMDT, (t, a) -> SharedSegments.detach(caller(t), a.get(0)));
        r.partial(Sysno.SHMCTL, "IPC_STAT/SHM_STAT, IPC_SET, IPC_RMID, IPC_INFO/SHM_INFO; SHM_LOCK/UNLOCK accepted",
                (t, a) -> ns(t).segments().control(caller(t), a.i32(0), a.i32(1), a.get(2)));
    }

    private static IpcNamespace ns(GuestThread t) {
        // The machine's IPC objects, created on first use; the machine's lifetime bounds theirs.
        return t.kernel().machineState(IpcNamespace.class, () -> new IpcNamespace(t.kernel().hostMemory()));
    }

    private static IpcCaller caller(GuestThread t) {
        return new ThreadCaller(t);
    }

    /** A guest thread as the IPC model's caller. */
    private record ThreadCaller(GuestThread t) implements IpcCaller {
        @Override public SignalThread thread() { return t; }
        @Override public AddressSpace memory() { return t.process.memory(); }
        @Override public int pid() { return t.process.pid; }
        @Override public Credentials credentials() { return t.process.credentials; }

        @Override
        public long seconds() {
            return Math.floorDiv(TimeCalls.now(t, CLOCK_REALTIME), 1_000_000_000L);
        }
    }

    private long msgrcv(GuestThread t, SyscallArgs a) {
        if ((a.i32(4) & MSG_COPY) != 0) {
            t.kernel().log().once("msgrcv: MSG_COPY is not supported (ENOSYS)");
            throw Errno.ENOSYS.fail();
        }
        return ns(t).queues().receive(caller(t), a.i32(0), a.get(1), a.get(2), a.get(3), a.i32(4));
    }

    /** semop and semtimedop: the struct sembuf array (unsigned short num, short op, short flg), then the timeout. */
    private long semop(GuestThread t, SyscallArgs a, boolean timed) {
        int nsops = a.i32(2);
        if (nsops < 1) throw Errno.EINVAL.fail();
        if (nsops > SEMOPM) throw Errno.E2BIG.fail();
        AddressSpace m = t.process.memory();
        ByteBuffer b = ByteBuffer.wrap(m.read(a.get(1), 6 * nsops)).order(ByteOrder.LITTLE_ENDIAN);
        int[] num = new int[nsops], op = new int[nsops], flg = new int[nsops];
        for (int i = 0; i < nsops; i++) {
            num[i] = b.getShort(6 * i) & 0xffff;
            op[i] = b.getShort(6 * i + 2);
            flg[i] = b.getShort(6 * i + 4);
        }
        long deadline = InterruptibleSleep.FOREVER;
        if (timed && a.get(3) != 0) deadline = InterruptibleSleep.deadline(Timespec.read(m, a.get(3)));
        return ns(t).semaphores().operate(caller(t), a.i32(0), new SemaphoreOps(num, op, flg), deadline);
    }
}
