package io.vnet.manager.rest.impl;

import java.io.IOException;
import java.net.InetAddress;

/** Whether a request came in on a loopback address: the API, /healthz, /readyz and /metrics answer only those by default. */
final class Loopback {
    private Loopback() {
    }

    static boolean is(String localAddr) {
        try {
            return localAddr != null && InetAddress.getByName(localAddr).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
