package dev.jlibos.ipc;

/**
 * semop's decoded struct sembuf array: for each operation the semaphore number, the amount (0: wait for
 * zero) and its flags (IPC_NOWAIT, SEM_UNDO).
 */
public record SemaphoreOps(int[] num, int[] op, int[] flags) {
    public int count() {
        return num.length;
    }

    /** Whether any operation changes a value (semop then needs write permission, not read). */
    boolean alters() {
        for (int o : op) if (o != 0) return true;
        return false;
    }
}
