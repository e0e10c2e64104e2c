package io.vnet.manager.rest;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the REST API listens. Felix HTTP reads the host and port from framework properties when
 * it starts; the manager's launcher passes its properties through {@link #withDefaults(Map)} so
 * that the API listens on loopback only unless told otherwise (it carries bearer tokens in the clear:
 * serve other machines through TLS).
 * The API servlet also refuses requests that arrive on a non-loopback address unless
 * {@value #ALLOW_REMOTE_PROPERTY} is {@code true}.
 */
public final class HttpSettings {
    /** Felix HTTP's listen address. */
    public static final String HOST_PROPERTY = "org.apache.felix.http.host";
    /** Felix HTTP's port (the standard OSGi property). */
    public static final String PORT_PROPERTY = "org.osgi.service.http.port";
    /** Set to true to serve the API on non-loopback addresses (behind TLS: tokens travel in every request). */
    public static final String ALLOW_REMOTE_PROPERTY = "vnet.manager.rest.allowRemote";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8470;

    private HttpSettings() {
    }

    /** The given framework properties, with the loopback host and default port where unset. */
    public static Map<String, String> withDefaults(Map<String, String> props) {
        Map<String, String> out = new HashMap<>(props);
        out.putIfAbsent(HOST_PROPERTY, DEFAULT_HOST);
        out.putIfAbsent(PORT_PROPERTY, Integer.toString(DEFAULT_PORT));
        return out;
    }
}
