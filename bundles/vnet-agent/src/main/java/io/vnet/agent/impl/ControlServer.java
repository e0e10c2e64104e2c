package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.protocol.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local control endpoint: a Unix socket (mode 0600, so only root or the agent's user can
 * drive it) that takes one JSON request per line and answers one JSON line each.
 */
final class ControlServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ControlServer.class.getName());

    private final Path path;
    private final ServerSocketChannel server;
    private final CommandHandler handler;
    private final Thread acceptor;

    ControlServer(Path path, CommandHandler handler) throws IOException {
        this.path = path;
        this.handler = handler;
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        if (Files.exists(path)) {
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(path));
                throw new IOException("control socket " + path + " is in use by another agent");
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().contains("in use")) {
                    throw stale;
                }
                Files.delete(path);
            }
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        acceptor = new Thread(this::acceptLoop, "vnet-control");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.log(Level.INFO, "control endpoint on unix socket " + path);
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread t = new Thread(() -> serve(client), "vnet-control-client");
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "control endpoint: " + e.getMessage());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(client);
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                ObjectNode answer = handler.handle(line);
                out.write((Json.MAPPER.writeValueAsString(answer) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "control client gone: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "closing control socket " + path + ": " + e.getMessage());
        }
    }
}
