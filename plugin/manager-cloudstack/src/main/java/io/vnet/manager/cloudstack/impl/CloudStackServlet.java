package io.vnet.manager.cloudstack.impl;

import io.vnet.manager.rest.Identity;
import io.vnet.manager.rest.Sessions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The routes of {@link CloudStackApi} on the OSGi servlet whiteboard, pattern /api/cloudstack/*
 * (the longest prefix wins over the REST API's /api/*). {@code CloudStackComponent} registers it.
 * The caller is the REST API's session of the request's {@code Authorization} header ({@link Sessions}).
 */
final class CloudStackServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The largest request body read (a webhook delivery or an extension payload is far smaller). */
    static final int MAX_BODY = 1 << 20;

    private final transient CloudStackApi api;
    private final transient Sessions sessions;

    CloudStackServlet(CloudStackApi api, Sessions sessions) {
        this.api = api;
        this.sessions = sessions;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Map<String, String> headers = new HashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), req.getHeader(name));
        }
        Answer a;
        byte[] body = read(req.getInputStream());
        if (body == null) {
            a = Answer.error(413, "body: larger than " + MAX_BODY + " bytes");
        } else {
            a = api.handle(req.getMethod(), req.getPathInfo(), headers, body, isLoopback(req.getLocalAddr()),
                    caller(sessions, req.getHeader("Authorization")));
        }
        resp.setStatus(a.status());
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        if (!req.getMethod().equals("HEAD")) {
            CloudStackClient.JSON.writeValue(resp.getOutputStream(), a.body());
        }
    }

    /** The signed-in user of a request with this {@code Authorization} header; empty without one. */
    static Optional<Identity> caller(Sessions sessions, String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        return sessions.identify(authorization);
    }

    /** The body, or null when it is larger than {@link #MAX_BODY}. */
    static byte[] read(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        return b.length > MAX_BODY ? null : b;
    }

    static boolean isLoopback(String addr) {
        try {
            return addr != null && InetAddress.getByName(addr).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
