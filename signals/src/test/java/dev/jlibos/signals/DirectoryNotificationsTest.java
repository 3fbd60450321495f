package dev.jlibos.signals;

import dev.jlibos.core.mem.Longs;
import org.junit.jupiter.api.Test;

import static dev.jlibos.core.abi.Inotify.DN_ACCESS;
import static dev.jlibos.core.abi.Inotify.DN_ATTRIB;
import static dev.jlibos.core.abi.Inotify.DN_CREATE;
import static dev.jlibos.core.abi.Inotify.DN_DELETE;
import static dev.jlibos.core.abi.Inotify.DN_MODIFY;
import static dev.jlibos.core.abi.Inotify.DN_MULTISHOT;
import static dev.jlibos.core.abi.Inotify.DN_RENAME;
import static dev.jlibos.core.abi.Inotify.IN_ACCESS;
import static dev.jlibos.core.abi.Inotify.IN_ATTRIB;
import static dev.jlibos.core.abi.Inotify.IN_CREATE;
import static dev.jlibos.core.abi.Inotify.IN_DELETE;
import static dev.jlibos.core.abi.Inotify.IN_ISDIR;
import static dev.jlibos.core.abi.Inotify.IN_MODIFY;
import static dev.jlibos.core.abi.Inotify.IN_MOVED_FROM;
import static dev.jlibos.core.abi.Inotify.IN_MOVED_TO;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** dnotify's translation to and from inotify events (fs/notify/dnotify's convert_arg), and send_sigio's siginfo. */
class DirectoryNotificationsTest {
    @Test
    void eachDnBitWatchesTheEventsLinuxMapsItTo() {
        assertEquals(IN_ACCESS, DirectoryNotifications.hostMask(DN_ACCESS));
        assertEquals(IN_MODIFY, DirectoryNotifications.hostMask(DN_MODIFY));
        assertEquals(IN_ATTRIB, DirectoryNotifications.hostMask(DN_ATTRIB));
        assertEquals(IN_CREATE | IN_MOVED_TO, DirectoryNotifications.hostMask(DN_CREATE));
        assertEquals(IN_DELETE | IN_MOVED_FROM, DirectoryNotifications.hostMask(DN_DELETE));
        assertEquals(IN_MOVED_FROM, DirectoryNotifications.hostMask(DN_RENAME));
        assertEquals(0, DirectoryNotifications.hostMask(DN_MULTISHOT));
    }

    @Test
    void eventsMatchTheirDnBits() {
        assertEquals(DN_CREATE, DirectoryNotifications.dnotifyBits(IN_CREATE | IN_ISDIR));
        assertEquals(DN_CREATE, DirectoryNotifications.dnotifyBits(IN_MOVED_TO));
        assertEquals(DN_DELETE | DN_RENAME, DirectoryNotifications.dnotifyBits(IN_MOVED_FROM));
        assertEquals(DN_DELETE, DirectoryNotifications.dnotifyBits(IN_DELETE));
        assertEquals(DN_MODIFY | DN_ATTRIB, DirectoryNotifications.dnotifyBits(IN_MODIFY | IN_ATTRIB));
        assertEquals(DN_ACCESS, DirectoryNotifications.dnotifyBits(IN_ACCESS));
    }

    @Test
    void setsigGivesPollMsgWithBandAndFd() {
        byte[] info = DirectoryNotifications.signalInfo(Signal.SIGRTMIN + 1, 7);
        assertEquals(Signal.SIGRTMIN + 1, SigInfo.signo(info));
        assertEquals(3 /* POLL_MSG */, SigInfo.code(info));
        assertEquals(0x441, Longs.fromBytes(info, 16, 8)); // POLLIN | POLLRDNORM | POLLMSG
        assertEquals(7, Longs.fromBytes(info, 24, 4));
    }

    @Test
    void withoutSetsigItIsAPlainSigioFromTheKernel() {
        byte[] info = DirectoryNotifications.signalInfo(0, 7);
        assertEquals(Signal.SIGIO, SigInfo.signo(info));
        assertEquals(SigInfo.SI_KERNEL, SigInfo.code(info));
        assertEquals(0, Longs.fromBytes(info, 24, 4));
    }
}
