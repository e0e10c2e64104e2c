package io.vnet.api;

/**
 * The vocabulary of the agent's local control endpoint. A request is one JSON object per line
 * with an {@code op} field and the op's arguments; the answer is one JSON object per line,
 * {@code {"ok":true,"result":...}} or {@code {"ok":false,"error":"..."}}.
 */
public final class ControlOps {
    public static final String LINK_ADD = "link-add";
    public static final String LINK_DEL = "link-del";
    public static final String LINK_LIST = "link-list";
    public static final String RULE_ADD = "rule-add";
    public static final String RULE_DEL = "rule-del";
    public static final String RULE_LIST = "rule-list";
    public static final String IF_LIST = "if-list";
    public static final String STATS = "stats";
    public static final String LEARNED = "learned";
    /** The owned VM addresses, "vni V MAC here|elsewhere". */
    public static final String OWNERS = "owners";
    public static final String STATUS = "status";
    public static final String PAIRS = "pairs";
    /**
     * Carries a tenant network on this host on demand: {@code {"op":"net-attach","vni":N}} makes
     * sure the network's bridge and the agent's TAP on it exist (creating them if needed) and
     * answers {@code {"vni":N,"bridge":"...","tap":"...","created":true|false}}. Hooks call it
     * before libvirt plugs a VM's NIC into that bridge.
     */
    public static final String NET_ATTACH = "net-attach";

    private ControlOps() {
    }
}
