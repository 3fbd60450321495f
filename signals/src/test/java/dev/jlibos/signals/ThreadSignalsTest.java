package dev.jlibos.signals;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Linux's split between process-directed (shared) and thread-directed (private) signal state. */
class ThreadSignalsTest {
    private static final SigAction HANDLER = new SigAction(0x401000, 0, 0, 0);

    private static byte[] info(int sig) {
        return SigInfo.basic(sig, SigInfo.SI_USER);
    }

    @Test
    void aThreadDirectedSignalIsSeenOnlyByItsThread() {
        SignalState process = new SignalState();
        ThreadSignals a = new ThreadSignals(process), b = new ThreadSignals(process);
        process.setAction(Signal.SIGUSR1, HANDLER);
        a.post(info(Signal.SIGUSR1));
        assertTrue(a.hasDeliverable(0));
        assertFalse(b.hasDeliverable(0));
        assertEquals(Signal.bit(Signal.SIGUSR1), a.privatePendingSet());
        assertEquals(0, process.pendingSet());
        assertEquals(Signal.SIGUSR1, SigInfo.signo(a.take(0)));
        assertNull(a.take(0));
    }

    @Test
    void aProcessDirectedSignalIsTakenOnceByAThreadNotBlockingIt() {
        SignalState process = new SignalState();
        ThreadSignals a = new ThreadSignals(process), b = new ThreadSignals(process);
        process.setAction(Signal.SIGUSR2, HANDLER);
        a.setBlocked(Signal.bit(Signal.SIGUSR2));
        process.post(info(Signal.SIGUSR2));
        assertFalse(a.hasDeliverable(a.blocked()));
        assertTrue(b.hasDeliverable(b.blocked()));
        assertEquals(Signal.bit(Signal.SIGUSR2), a.pendingSet(), "rt_sigpending shows shared signals too");
        assertEquals(Signal.SIGUSR2, SigInfo.signo(b.take(b.blocked())));
        assertEquals(0, a.pendingSet());
    }

    @Test
    void aThreadTakesItsOwnSignalsBeforeTheProcesses() {
        SignalState process = new SignalState();
        ThreadSignals a = new ThreadSignals(process);
        process.setAction(Signal.SIGUSR1, HANDLER);
        process.setAction(Signal.SIGUSR2, HANDLER);
        process.post(info(Signal.SIGUSR1));
        a.post(info(Signal.SIGUSR2));
        assertEquals(Signal.SIGUSR2, a.peek(0));
        assertEquals(Signal.SIGUSR2, SigInfo.signo(a.take(0)));
        assertEquals(Signal.SIGUSR1, SigInfo.signo(a.take(0)));
    }

    @Test
    void ignoringASignalDiscardsItFromEveryThreadAndTheProcess() {
        SignalState process = new SignalState();
        ThreadSignals a = new ThreadSignals(process), b = new ThreadSignals(process);
        a.setBlocked(Signal.bit(Signal.SIGUSR1));
        b.setBlocked(Signal.bit(Signal.SIGUSR1));
        process.setAction(Signal.SIGUSR1, HANDLER);
        a.post(info(Signal.SIGUSR1));
        process.post(info(Signal.SIGUSR1));
        process.setAction(Signal.SIGUSR1, new SigAction(SigAction.SIG_IGN, 0, 0, 0));
        assertEquals(0, a.pendingSet());
        assertEquals(0, b.pendingSet());
    }

    @Test
    void anIgnoredSignalStaysPendingOnlyWhileEveryThreadBlocksIt() {
        SignalState process = new SignalState();
        ThreadSignals a = new ThreadSignals(process), b = new ThreadSignals(process);
        a.setBlocked(Signal.bit(Signal.SIGCHLD));
        process.post(info(Signal.SIGCHLD)); // default-ignored, b does not block it: gone
        assertEquals(0, process.pendingSet());
        b.setBlocked(Signal.bit(Signal.SIGCHLD));
        process.post(info(Signal.SIGCHLD));
        assertEquals(Signal.bit(Signal.SIGCHLD), process.pendingSet());
        b.detach();
        a.detach();
    }

    @Test
    void aNewThreadInheritsTheMaskButNotPendingSignals() {
        SignalState process = new SignalState();
        ThreadSignals parent = new ThreadSignals(process);
        process.setAction(Signal.SIGUSR1, HANDLER);
        parent.setBlocked(Signal.bit(Signal.SIGTERM));
        parent.post(info(Signal.SIGUSR1));
        ThreadSignals child = new ThreadSignals(process);
        child.inheritFrom(parent);
        assertEquals(Signal.bit(Signal.SIGTERM), child.blocked());
        assertEquals(0, child.pendingSet());
    }

    @Test
    void aWaitingThreadWakesForAProcessDirectedSignal() throws Exception {
        SignalState process = new SignalState();
        ThreadSignals waiter = new ThreadSignals(process);
        process.setAction(Signal.SIGUSR1, HANDLER);
        Thread poster = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            process.post(info(Signal.SIGUSR1));
        });
        poster.start();
        assertTrue(waiter.awaitDeliverable(0, 5_000_000_000L));
        poster.join();
    }
}
