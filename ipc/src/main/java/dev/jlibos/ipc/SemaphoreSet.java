package dev.jlibos.ipc;

/** A semaphore set (struct sem_array): values, the last pid to change each, and how many wait on each. */
final class SemaphoreSet extends IpcObject {
    final int[] values, pids, ncnt, zcnt;
    long otime;

    SemaphoreSet(int n) {
        values = new int[n];
        pids = new int[n];
        ncnt = new int[n];
        zcnt = new int[n];
    }

    int size() {
        return values.length;
    }
}
