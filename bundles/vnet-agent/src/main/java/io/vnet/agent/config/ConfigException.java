package io.vnet.agent.config;

/** A configuration file that cannot be used; the message names the file, the field and what is expected. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
