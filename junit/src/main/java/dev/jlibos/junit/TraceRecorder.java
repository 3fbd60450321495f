package dev.jlibos.junit;

import dev.jlibos.syscalls.trace.SyscallListener;
import dev.jlibos.syscalls.trace.SyscallRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Keeps every record, or only the last {@code tail} (what failure messages show). Thread-safe. */
final class TraceRecorder implements SyscallListener {
    private final int tail;
    private final ArrayDeque<SyscallRecord> records = new ArrayDeque<>();
    private long total;

    /** @param tail how many of the last records to keep; negative keeps them all */
    TraceRecorder(int tail) {
        this.tail = tail;
    }

    @Override
    public boolean wantsText() {
        return true;
    }

    @Override
    public synchronized void onSyscall(SyscallRecord record) {
        total++;
        if (tail >= 0 && records.size() == tail) records.removeFirst();
        records.addLast(record);
    }

    synchronized List<SyscallRecord> records() {
        return List.copyOf(new ArrayList<>(records));
    }

    synchronized long total() {
        return total;
    }
}
