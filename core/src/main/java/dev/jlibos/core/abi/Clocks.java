package dev.jlibos.core.abi;

/** Clock ids (linux/time.h) and the one flag of clock_nanosleep/timer_settime/timerfd_settime. */
public final class Clocks {
    public static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2,
            CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5,
            CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8, CLOCK_BOOTTIME_ALARM = 9,
            CLOCK_TAI = 11;
    public static final int TIMER_ABSTIME = 1;

    private Clocks() {
    }
}
