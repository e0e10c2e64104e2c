package io.vnet.it.patterns;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One TCP connection to another rank. A reader thread reads every message as it arrives (so
 * a sender never waits for this rank to be ready) and queues its header in order; the payload
 * is read and dropped. A writer thread sends the queued messages in order.
 *
 * <p>Wire format (big-endian). Hello, once each way when the connection opens, the dialling
 * side first: {@code u32 magic "VNPT", u8 version 1, s32 rank, s32 n}. Then messages: a
 * 13-byte header {@code u8 type, s32 iteration, s32 arg, s32 length} and {@code length} payload
 * bytes (zeros). Types: DATA (arg = pattern code, length = message size), ARRIVE (rank i -> rank
 * 0 at the barrier, no payload), RELEASE (rank 0 -> rank i, arg = the next phase index or -1 to
 * stop, no payload).
 */
final class Peer {
    static final int MAGIC = 0x564E5054;
    static final int VERSION = 1;
    static final byte DATA = 1;
    static final byte ARRIVE = 2;
    static final byte RELEASE = 3;
    static final int HEADER_BYTES = 13;
    static final int HELLO_BYTES = 13;
    private static final int CHUNK = 64 * 1024;
    private static final byte[] ZEROS = new byte[CHUNK];

    record Msg(byte type, int iteration, int arg, int length) {
    }

    private record Broken(IOException cause) {
    }

    private final int me;
    private final int rank;
    private final String address;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final ExecutorService writer;
    private final Thread reader;

    Peer(int me, int rank, String address, Socket socket, DataInputStream in, DataOutputStream out) {
        this.me = me;
        this.rank = rank;
        this.address = address;
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "to-rank-" + rank);
            t.setDaemon(true);
            return t;
        });
        this.reader = new Thread(this::readLoop, "from-rank-" + rank);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    static DataInputStream input(Socket s) throws IOException {
        return new DataInputStream(new BufferedInputStream(s.getInputStream(), CHUNK));
    }

    static DataOutputStream output(Socket s) throws IOException {
        return new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), CHUNK));
    }

    static void writeHello(DataOutputStream out, int rank, int n) throws IOException {
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeInt(rank);
        out.writeInt(n);
        out.flush();
    }

    /** Reads the other side's hello and returns its rank; throws if it is not a rank of this run. */
    static int readHello(DataInputStream in, int n) throws IOException {
        int magic = in.readInt();
        int version = in.readUnsignedByte();
        int rank = in.readInt();
        int theirN = in.readInt();
        if (magic != MAGIC) {
            throw new IOException(String.format("not a patterns rank (magic 0x%08x)", magic));
        }
        if (version != VERSION) {
            throw new IOException("protocol version " + version + ", expected " + VERSION);
        }
        if (theirN != n || rank < 0 || rank >= n) {
            throw new IOException("says it is rank " + rank + " of " + theirN + ", but this run has " + n + " ranks");
        }
        return rank;
    }

    int rank() {
        return rank;
    }

    String address() {
        return address;
    }

    private void readLoop() {
        byte[] scratch = new byte[CHUNK];
        try {
            while (true) {
                byte type = in.readByte();
                int iteration = in.readInt();
                int arg = in.readInt();
                int length = in.readInt();
                if (type < DATA || type > RELEASE || length < 0) {
                    throw new IOException("malformed message (type " + type + ", length " + length + ")");
                }
                int left = length;
                while (left > 0) {
                    int r = in.read(scratch, 0, Math.min(left, scratch.length));
                    if (r < 0) {
                        throw new EOFException("connection closed in the middle of a message");
                    }
                    left -= r;
                }
                inbox.add(new Msg(type, iteration, arg, length));
            }
        } catch (EOFException e) {
            inbox.add(new Broken(new EOFException(e.getMessage() == null ? "connection closed" : e.getMessage())));
        } catch (IOException e) {
            inbox.add(new Broken(e));
        }
    }

    /** Queues one message; the future completes when it has been written to the socket. */
    Future<?> send(byte type, int iteration, int arg, int length) {
        return writer.submit(() -> {
            out.writeByte(type);
            out.writeInt(iteration);
            out.writeInt(arg);
            out.writeInt(length);
            int left = length;
            while (left > 0) {
                int k = Math.min(left, ZEROS.length);
                out.write(ZEROS, 0, k);
                left -= k;
            }
            out.flush();
            return null;
        });
    }

    /** Waits for a queued send; failures name this peer. */
    void await(Future<?> f, long timeoutMs, String what) throws PeerException, InterruptedException {
        try {
            f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PeerException(rank, address, "took no data for " + timeoutMs + " ms while rank " + me + " sent " + what);
        } catch (ExecutionException e) {
            throw new PeerException(rank, address, "connection lost (" + describe(e.getCause()) + ") while rank " + me
                    + " sent " + what, e.getCause());
        }
    }

    /** The next message from this peer, waiting at most {@code timeoutMs}; failures name this peer. */
    Msg take(long timeoutMs, String what) throws PeerException, InterruptedException {
        Object o = inbox.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new PeerException(rank, address, "sent nothing for " + timeoutMs + " ms while rank " + me
                    + " waited for " + what);
        }
        if (o instanceof Broken b) {
            inbox.add(b);
            throw new PeerException(rank, address, "connection lost (" + describe(b.cause()) + ") while rank " + me
                    + " waited for " + what, b.cause());
        }
        return (Msg) o;
    }

    static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    void close() {
        writer.shutdownNow();
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
