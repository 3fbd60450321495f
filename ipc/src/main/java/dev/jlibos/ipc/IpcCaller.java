package dev.jlibos.ipc;

import dev.jlibos.core.cred.Credentials;
import dev.jlibos.core.mem.AddressSpace;
import dev.jlibos.signals.SignalThread;

/**
 * The calling guest thread as the IPC model sees it: the identity its permission checks read, the memory
 * its buffers are in, and the thread a blocking call sleeps on.
 */
public interface IpcCaller {
    /** The thread msgsnd, msgrcv and semop put to sleep; a signal for it ends the wait with EINTR. */
    SignalThread thread();

    AddressSpace memory();

    /** The caller's pid (tgid): what msg_lspid, sempid and shm_lpid record. */
    int pid();

    /** Whose permissions the checks use: the effective ids and capabilities. */
    Credentials credentials();

    /** The guest's CLOCK_REALTIME in whole seconds: the times an object records. */
    long seconds();
}
