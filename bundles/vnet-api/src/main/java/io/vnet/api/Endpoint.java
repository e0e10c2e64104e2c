package io.vnet.api;

/** A host and TCP/UDP port, e.g. {@code 10.1.2.3:5800} or {@code [::1]:5800}. */
public record Endpoint(String host, int port) {
    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint needs a host");
        }
        checkPort(port);
    }

    public static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + ": expected 1..65535");
        }
        return port;
    }

    public static Endpoint parse(String text) {
        if (text != null) {
            int colon = text.lastIndexOf(':');
            if (colon > 0 && colon < text.length() - 1) {
                String host = text.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                int port;
                try {
                    port = Integer.parseInt(text.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid endpoint '" + text + "': the port is not a number");
                }
                return new Endpoint(host, port);
            }
        }
        throw new IllegalArgumentException("invalid endpoint '" + text + "': expected HOST:PORT");
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
