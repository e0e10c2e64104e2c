package io.vnet.manager.store;

/**
 * The manager's persistent state. Puts are upserts keyed as documented; history queries return
 * the newest first, with times in {@code [from, to]} (either may be null: unbounded), at most
 * {@code limit} (1..10000) entries. Every method may throw {@link StoreException}; a bad argument
 * throws {@link IllegalArgumentException} naming it. Split by concern ({@link InventoryStore},
 * {@link HistoryStore}, {@link AdaptationStore}, {@link AuditStore}, {@link CloudStackStore},
 * {@link EnrolmentStore}):
 * the service is this whole, and each consumer takes the part it needs.
 */
public interface ManagerStore extends InventoryStore, HistoryStore, AdaptationStore, AuditStore, CloudStackStore,
        EnrolmentStore, SessionStore {
    /**
     * Deletes everything recorded of network {@code vni}: its traffic matrices, topologies,
     * adaptation setting and decisions, and its VMs, so that a later owner of the VNI sees none of
     * it. Returns how many rows went.
     */
    int forgetNetworkHistory(int vni);

    /** Whether {@link #inOneTransaction} can make several writes one transaction (the default cannot). */
    default boolean writesTogether() {
        return false;
    }

    /**
     * Runs {@code writes}, calls of this store's methods on this thread, as one transaction: either all
     * of them take effect or, if it throws, none does (a store that {@link #writesTogether()}). A write
     * that fails inside fails the whole, even if {@code writes} caught its exception. The default runs
     * {@code writes} as they are, each call its own transaction.
     */
    default void inOneTransaction(Runnable writes) {
        writes.run();
    }

    /** The highest schema (migration) version applied, e.g. "2". */
    String schemaVersion();

    /** The JDBC URL with any password removed, for logs. */
    String describe();

    /**
     * Checks cheaply that the database answers now (a connection and a trivial query), waiting
     * at most about {@code timeoutSeconds} for the query (opening the connection has its own bound).
     * Throws {@link StoreUnavailableException} when it does not, {@link StoreException} for other
     * failures. The default does nothing (a store without a remote database is always there).
     */
    default void ping(int timeoutSeconds) {
    }
}
