package dev.jlibos.kernel.sys;

import dev.jlibos.core.Errno;
import dev.jlibos.kernel.process.GuestProcess;
import dev.jlibos.kernel.process.GuestThread;
import dev.jlibos.kernel.process.SyscallArgs;
import dev.jlibos.kernel.syscall.SyscallFamily;
import dev.jlibos.kernel.syscall.SyscallRegistry;
import dev.jlibos.syscalls.Sysno;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * kcmp: whether two tasks of the machine share a kernel resource. Linux orders the two (obfuscated) kernel
 * pointers and answers 0 (same), 1 or 2; here each resource object gets a number the first time kcmp sees it,
 * which gives the same answers: 0 exactly for the same object, and a stable order otherwise.
 */
public final class KcmpCalls implements SyscallFamily {
    private static final int KCMP_FILE = 0, KCMP_VM = 1, KCMP_FILES = 2, KCMP_FS = 3, KCMP_SIGHAND = 4,
            KCMP_IO = 5, KCMP_SYSVSEM = 6, KCMP_EPOLL_TFD = 7;

    /**
     * The order kcmp gives objects of the machine: first seen, first. Weak keys, so a closed description or
     * an ended process's tables are not kept alive by having been compared once (none of these types
     * defines equals: the map compares identities).
     */
    private static final class Order {
        final Map<Object, Long> ranks = new WeakHashMap<>();
        long next;

        synchronized long rank(Object o) {
            return ranks.computeIfAbsent(o, k -> next++);
        }
    }

    @Override
    public void register(SyscallRegistry r) {
        r.partial(Sysno.KCMP, "KCMP_FILE, VM, FILES, FS, SIGHAND; KCMP_IO, SYSVSEM and EPOLL_TFD: EINVAL with a log"
                + " line; a thread's files, fs and signal handlers are its process's", this::kcmp)
                .coveredBy("CProgramsTest[smallcalls]");
    }

    private long kcmp(GuestThread t, SyscallArgs a) {
        GuestProcess p1 = task(t, a.i32(0)), p2 = task(t, a.i32(1));
        int type = a.i32(2);
        ProcessAccessCalls.checkAccess(t, p1, false);
        ProcessAccessCalls.checkAccess(t, p2, false);
        Object o1, o2;
        switch (type) {
            case KCMP_FILE -> {
                o1 = p1.files.get(a.i32(3));
                o2 = p2.files.get(a.i32(4));
            }
            case KCMP_VM -> {
                o1 = p1.memory();
                o2 = p2.memory();
            }
            case KCMP_FILES -> {
                o1 = p1.files;
                o2 = p2.files;
            }
            case KCMP_FS -> {
                o1 = p1.fs();
                o2 = p2.fs();
            }
            case KCMP_SIGHAND -> {
                o1 = p1.signals();
                o2 = p2.signals();
            }
            case KCMP_IO, KCMP_SYSVSEM, KCMP_EPOLL_TFD -> {
                t.kernel().log().once("kcmp: type " + type + " is not supported (EINVAL)");
                throw Errno.EINVAL.fail();
            }
            default -> throw Errno.EINVAL.fail();
        }
        if (o1 == o2) return 0;
        Order order = t.kernel().machineState(Order.class, Order::new);
        return order.rank(o1) < order.rank(o2) ? 1 : 2;
    }

    /** The process of a pid or thread id of the machine (ESRCH if none). */
    private static GuestProcess task(GuestThread t, int id) {
        GuestProcess p = id > 0 ? t.kernel().process(id) : null;
        if (p != null && !p.exited()) return p;
        GuestThread th = id > 0 ? ProcessAccessCalls.liveThread(t, id) : null;
        if (th == null) throw Errno.ESRCH.fail();
        return th.process;
    }
}
