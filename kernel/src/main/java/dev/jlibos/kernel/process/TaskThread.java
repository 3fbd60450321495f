package dev.jlibos.kernel.process;

import dev.jlibos.core.host.HostSyscalls;
import dev.jlibos.syscalls.Sysno;

import java.util.concurrent.CompletableFuture;

/**
 * The host thread that will run a new guest task (a forked process or a clone()d thread), and the task's
 * id. With host ids ({@link ProcessTable#useHostTids}) the thread is started before the task exists, so
 * that its host tid can name the task: while the task runs, no host process or thread has that number, so
 * two runs (or a guest and a host program) that name files in a shared /tmp after their pid do not collide.
 * Otherwise the id is the machine's next number and the thread starts when the task is handed over.
 */
public final class TaskThread {
    private final int id;
    /** The started thread's body, still to come; null for a thread started only by {@link #start}. */
    private final CompletableFuture<Runnable> body;
    private final Thread waiting;

    private TaskThread(int id, CompletableFuture<Runnable> body, Thread waiting) {
        this.id = id;
        this.body = body;
        this.waiting = waiting;
    }

    /** A task numbered {@code id}, whose thread starts in {@link #start}. */
    static TaskThread counted(int id) {
        return new TaskThread(id, null, null);
    }

    /** Starts a host thread that waits for its task; the task's id is that thread's host tid. */
    static TaskThread hosted(HostSyscalls sys) {
        CompletableFuture<Integer> tid = new CompletableFuture<>();
        CompletableFuture<Runnable> body = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            tid.complete(currentHostTid(sys));
            body.join().run();
        }, "jlibos-task");
        thread.setDaemon(true);
        thread.start();
        return new TaskThread(tid.join(), body, thread);
    }

    /** The host tid of the calling thread. */
    static int currentHostTid(HostSyscalls sys) {
        return (int) sys.call(Sysno.GETTID, 0, 0, 0);
    }

    public int id() {
        return id;
    }

    /** Runs {@code task} on this thread, named {@code name}. */
    public void start(String name, Runnable task) {
        if (body == null) {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.start();
        } else {
            waiting.setName(name);
            body.complete(task);
        }
    }

    /** The task was not created after all (clone failed): the waiting thread ends without running anything. */
    public void abandon() {
        if (body != null) body.complete(() -> { });
    }
}
