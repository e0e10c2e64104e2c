package io.vnet.api;

/** Why the data plane dropped a frame or a record; every drop is counted under one of these. */
public enum DropReason {
    /**
     * A record longer than the configured maximum (the connection is closed), or a frame
     * captured on a LAN device that is longer than the network's largest frame (the device
     * merged segments: turn off GRO/LRO on it).
     */
    OVERSIZE,
    /** A record with a version this daemon does not speak (the connection is closed). */
    BAD_VERSION,
    /** A record of an unknown type (the connection is closed). */
    BAD_TYPE,
    /**
     * A record whose length does not fit its type: shorter than a header, a bad hello or keepalive
     * (the connection is closed); or a frame whose headers contradict themselves or its offload
     * descriptor (an IPv4 header length that lies, a segment size below 48), or whose forwarding
     * failed (the frame is dropped).
     */
    MALFORMED,
    /** A frame shorter than an Ethernet header. */
    RUNT,
    /** A frame for a network this daemon does not carry. */
    UNKNOWN_VNI,
    /**
     * A frame of a network the link does not carry: refused on its way in from the link, or not
     * sent on it (a rule or learned address that would have sent it there); counted on the link.
     */
    NOT_CARRIED,
    /**
     * A frame whose source address belongs to someone else: from a link, the address of a VM on
     * this host (registered, or learned here and held); from a local interface, the address of a
     * registered VM on another host. Counted on the port it came in by.
     */
    SPOOFED,
    /** Data from a connection that has not said hello, or said it as a host no link accepts. */
    UNIDENTIFIED,
    /** The link could not take the frame: down, or its send queue is full. */
    LINK_DOWN,
    CONGESTED,
    /** The TAP device refused the write (queue full or device down). */
    TAP_FULL,
    /** A rule or learned entry pointed back where the frame came from. */
    REFLECTED,
    /** No rule, no learned entry and no flooding port. */
    NO_ROUTE,
    /**
     * A frame too big for the port it had to leave by: counted there, and answered with ICMP
     * "fragmentation needed" / "packet too big" or sent as IPv4 fragments, as a router would.
     */
    TOO_BIG,
    /** The LAN device of a proxy (pcap) refused to send the frame, or is closed. */
    INJECT_FAILED;

    public String wireName() {
        return name().toLowerCase().replace('_', '-');
    }
}
