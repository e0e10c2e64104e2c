package io.vnet.it.patterns;

import java.io.IOException;

/** A failure to reach or talk to one peer rank; the message names the peer and its address. */
public final class PeerException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int peer;

    public PeerException(int peer, String address, String what) {
        super("rank " + peer + " (" + address + ") " + what);
        this.peer = peer;
    }

    public PeerException(int peer, String address, String what, Throwable cause) {
        super("rank " + peer + " (" + address + ") " + what, cause);
        this.peer = peer;
    }

    /** The rank of the peer that failed. */
    public int peer() {
        return peer;
    }
}
