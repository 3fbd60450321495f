package dev.jlibos.core.abi;

import static dev.jlibos.core.mem.AddressSpace.PAGE_SIZE;

/** System V IPC commands, flags, Linux's default limits and struct sizes (linux/ipc.h, msg.h, sem.h, shm.h). */
public final class SysvIpc {
    public static final int IPC_PRIVATE = 0, IPC_CREAT = 01000, IPC_EXCL = 02000, IPC_NOWAIT = 04000;
    public static final int IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3, IPC_64 = 0x100;
    public static final int MSG_STAT = 11, MSG_INFO = 12, MSG_STAT_ANY = 13;
    public static final int MSG_NOERROR = 010000, MSG_EXCEPT = 020000, MSG_COPY = 040000;
    public static final int GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17,
            SEM_STAT = 18, SEM_INFO = 19, SEM_STAT_ANY = 20;
    public static final int SEM_UNDO = 0x1000;
    public static final int SHM_LOCK = 11, SHM_UNLOCK = 12, SHM_STAT = 13, SHM_INFO = 14, SHM_STAT_ANY = 15;
    public static final int SHM_RDONLY = 010000, SHM_RND = 020000, SHM_REMAP = 040000, SHM_EXEC = 0100000;
    public static final int SHM_DEST = 01000, SHM_LOCKED = 02000;
    /** Linux's defaults (ipc/util.h, include/uapi/linux/{msg,sem,shm}.h). */
    public static final int MSGMAX = 8192, MSGMNB = 16384, MSGMNI = 32000, SEMMSL = 32000, SEMMNI = 32000,
            SEMOPM = 500, SEMVMX = 32767, SHMMNI = 4096, IPCMNI = 32768;
    public static final long SHMMAX = 0x7fffffffffffffffL - (1L << 24), SHMALL = SHMMAX / PAGE_SIZE;
    /** struct ipc64_perm, msqid64_ds, semid64_ds and shmid64_ds on x86-64. */
    public static final int PERM_SIZE = 48, MSQID_SIZE = 120, SEMID_SIZE = 104, SHMID_SIZE = 112;

    private SysvIpc() {
    }
}
