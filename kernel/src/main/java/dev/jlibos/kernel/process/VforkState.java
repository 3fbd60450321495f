package dev.jlibos.kernel.process;

import dev.jlibos.core.mem.AddressSpace;

import java.util.concurrent.CountDownLatch;

/**
 * A vfork child's tie to its parent. The child has a copy of the parent's memory, not the memory itself,
 * so if it exits without exec'ing, what it wrote to the live part of the parent's stack
 * [stackFrom, stackTo) is copied back, as a child sharing the memory would have left it: glibc's
 * posix_spawn reports a failed exec through a variable in the parent's stack frame. The parent waits
 * until the child execs or exits.
 */
final class VforkState {
    private final CountDownLatch done = new CountDownLatch(1);
    private GuestProcess parent;
    private long stackFrom, stackTo;

    void borrowStack(GuestProcess parent, long stackFrom, long stackTo) {
        this.parent = parent;
        this.stackFrom = stackFrom;
        this.stackTo = stackTo;
    }

    /** The child has exec'ed or exited: its parent may go on. */
    void release() {
        done.countDown();
    }

    void await() throws InterruptedException {
        done.await();
    }

    /** The child is ending: gives its stack writes back if it never exec'ed and the parent lives. */
    void copyBackIfNeverExeced(AddressSpace childMemory) {
        if (parent == null || done.getCount() == 0 || parent.exited()) return;
        try {
            int length = (int) Math.min(stackTo - stackFrom, 1 << 20);
            parent.memory().write(stackFrom, childMemory.read(stackFrom, length));
        } catch (RuntimeException e) {
            // An unmapped or protected stack (the child changed its mappings): nothing to give back.
        }
    }
}
