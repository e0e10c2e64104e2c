package io.vnet.libvirt.migrate;

/** A migration was refused, failed or timed out; the message says where and why. */
public final class MigrationException extends Exception {
    private static final long serialVersionUID = 1L;

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
