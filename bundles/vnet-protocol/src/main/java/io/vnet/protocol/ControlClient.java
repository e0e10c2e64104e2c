package io.vnet.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A client of an agent's control socket: one request, one answer. */
public final class ControlClient {
    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /**
     * Sends {@code request} and returns the {@code result} of the answer.
     *
     * @throws ControlException if the agent answered with an error
     * @throws IOException      if the agent cannot be reached
     */
    public JsonNode call(ObjectNode request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("cannot reach the agent's control socket " + socket + ": " + e.getMessage(), e);
            }
            OutputStream out = Channels.newOutputStream(ch);
            out.write((Json.MAPPER.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null) {
                throw new IOException("the agent closed the control connection without answering");
            }
            JsonNode answer = Json.MAPPER.readTree(line);
            if (!answer.path("ok").asBoolean(false)) {
                throw new ControlException(answer.path("error").asText("unknown error"));
            }
            return answer.get("result");
        }
    }

    /** An error the agent reported for a request. */
    public static final class ControlException extends IOException {
        private static final long serialVersionUID = 1L;

        public ControlException(String message) {
            super(message);
        }
    }
}
