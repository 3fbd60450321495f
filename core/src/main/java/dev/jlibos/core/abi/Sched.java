package dev.jlibos.core.abi;

/** Scheduling policies, sched_attr flags and priority bounds (linux/sched.h, uapi/linux/sched/types.h). */
public final class Sched {
    public static final int SCHED_OTHER = 0, SCHED_FIFO = 1, SCHED_RR = 2, SCHED_BATCH = 3, SCHED_IDLE = 5,
            SCHED_DEADLINE = 6, SCHED_EXT = 7;
    /** Or'ed into sched_setscheduler's policy, reported back by sched_getscheduler. */
    public static final int SCHED_RESET_ON_FORK = 0x40000000;
    /** sched_attr.sched_flags. */
    public static final long SCHED_FLAG_RESET_ON_FORK = 0x01, SCHED_FLAG_RECLAIM = 0x02, SCHED_FLAG_DL_OVERRUN = 0x04,
            SCHED_FLAG_KEEP_POLICY = 0x08, SCHED_FLAG_KEEP_PARAMS = 0x10, SCHED_FLAG_UTIL_CLAMP_MIN = 0x20,
            SCHED_FLAG_UTIL_CLAMP_MAX = 0x40;
    public static final long SCHED_FLAG_KEEP_ALL = SCHED_FLAG_KEEP_POLICY | SCHED_FLAG_KEEP_PARAMS;
    public static final long SCHED_FLAG_UTIL_CLAMP = SCHED_FLAG_UTIL_CLAMP_MIN | SCHED_FLAG_UTIL_CLAMP_MAX;
    public static final long SCHED_FLAG_ALL = SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN
            | SCHED_FLAG_KEEP_ALL | SCHED_FLAG_UTIL_CLAMP;
    /** MAX_RT_PRIO - 1: real-time priorities are 1..99. */
    public static final int MAX_RT_PRIORITY = 99;
    /** SCHED_CAPACITY_SCALE: the top of a utilization clamp. */
    public static final int UTIL_MAX = 1024;
    /** struct sched_attr sizes: SCHED_ATTR_SIZE_VER0 (48) and VER1 (56, with the utilization clamps). */
    public static final int ATTR_SIZE_VER0 = 48, ATTR_SIZE_VER1 = 56;

    private Sched() {
    }
}
