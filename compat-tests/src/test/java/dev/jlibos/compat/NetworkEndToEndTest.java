package dev.jlibos.compat;

import com.sun.net.httpserver.HttpServer;
import dev.jlibos.kernel.Machine;
import dev.jlibos.kernel.process.ExitStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real programs on loopback: a guest HTTP server (busybox httpd) serving a file to a Java client, and a
 * guest client (busybox wget) fetching from a Java server. Bounded in time, 127.0.0.1 only.
 */
class NetworkEndToEndTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * One HTTP/1.0 GET over a plain socket (java.net.http's client keeps a selector with host fds open
     * past the test, which the fd-leak test in the same JVM would count); null if nobody listens yet.
     */
    private static String fetch(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.ConnectException notListeningYet) {
            return null;
        }
    }

    @Test
    void guestHttpdServesAHostClient(@TempDir Path www) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        Files.writeString(www.resolve("index.html"), "served by a guest\n");
        int port = freePort();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Machine server = Machine.builder().program(BUSYBOX.toString())
                .args(List.of("busybox", "httpd", "-f", "-p", "127.0.0.1:" + port, "-h", www.toString()))
                // httpd serves until killed: the machine's timeout ends it after the fetch.
                .stdout(log).stderr(log).timeout(Duration.ofSeconds(8)).build();
        CompletableFuture<ExitStatus> running = CompletableFuture.supplyAsync(() -> {
            try {
                return server.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String response = null;
        long deadline = System.nanoTime() + 7_000_000_000L;
        while (response == null && System.nanoTime() < deadline && !running.isDone()) {
            response = fetch(port);
            if (response == null) Thread.sleep(100);
        }
        running.join();
        assertTrue(response != null && response.startsWith("HTTP/1.") && response.contains(" 200 "),
                response + "\nhttpd log: " + log);
        assertTrue(response.endsWith("\r\n\r\nserved by a guest\n"), response);
    }

    @Test
    void guestWgetFetchesFromAHostServer() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BUSYBOX));
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        byte[] body = "served by the host\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);
        http.createContext("/data", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            ExitStatus s = Machine.builder().program(BUSYBOX.toString())
                    .args(List.of("busybox", "wget", "-q", "-O", "-",
                            "http://127.0.0.1:" + http.getAddress().getPort() + "/data"))
                    .stdout(out).stderr(err).timeout(Duration.ofSeconds(30)).build().run();
            assertEquals(0, s.code(), err.toString());
            assertEquals(new String(body, StandardCharsets.US_ASCII), out.toString(StandardCharsets.US_ASCII));
        } finally {
            http.stop(0);
        }
    }
}
