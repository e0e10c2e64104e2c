package io.vnet.it.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's nginx as the front before the managers of a cluster (README, "Two or more managers"): one
 * address for the page and the API that spreads requests over the managers and passes over one that
 * does not answer. Runs in a host's namespace as one process (no master, so the fabric stops all of it
 * by its pid), with its configuration, logs and temporary files in the fabric's work directory.
 */
public final class NginxFront {
    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Host host;
    private final int port;
    private final Path dir;

    private NginxFront(Host host, int port, Path dir) {
        this.host = host;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts the front on {@code 127.0.0.1:port} of {@code host}'s namespace, before the managers' APIs
     * at {@code upstreams} (HOST:PORT each).
     */
    public static NginxFront start(Fabric fabric, Host host, int port, List<String> upstreams) throws IOException {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException(NGINX + " is missing: run scripts/setup.sh (it installs Debian's nginx-light)");
        }
        Path dir = fabric.workDir().resolve("front-" + host.name());
        for (String d : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) {
            Files.createDirectories(dir.resolve(d));
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(dir, port, upstreams));
        Path log = dir.resolve("nginx.out");
        List<String> cmd = new ArrayList<>(List.of(NGINX.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log")
                .toString(), "-c", conf.toString()));
        Process p = fabric.spawn(host.ns(), cmd, log);
        NginxFront f = new NginxFront(host, port, dir);
        long end = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < end) {
            if (!p.isAlive()) {
                throw new IOException("nginx exited " + p.exitValue() + ": " + Files.readString(log)
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
            if (Sh.run("ip", "netns", "exec", host.ns(), "sh", "-c", "ss -Hltn 'sport = :" + port + "' | grep -q .").ok()) {
                return f;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException("nginx did not listen on port " + port + " within 10 s");
    }

    /**
     * The configuration: README's, with this run's paths. Round robin over the managers (so a user's requests
     * land on either: sessions and forwarding make that work); a manager that refuses or does not answer is
     * passed over for 10 s; no buffering (the live streams), streams kept open for an hour.
     */
    static String config(Path dir, int port, List<String> upstreams) {
        StringBuilder servers = new StringBuilder();
        for (String u : upstreams) {
            servers.append("    server ").append(u).append(" max_fails=1 fail_timeout=10s;\n");
        }
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                events { worker_connections 512; }
                http {
                  access_log %1$s/access.log;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream vnet_managers {
                %2$s  }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://vnet_managers;
                      proxy_http_version 1.1;
                      proxy_set_header Connection "";
                      proxy_set_header X-Forwarded-For $remote_addr;
                      proxy_buffering off;
                      proxy_read_timeout 1h;
                      proxy_connect_timeout 2s;
                      proxy_next_upstream error timeout;
                    }
                  }
                }
                """.formatted(dir, servers, port);
    }

    /** The page's address through the front, from inside its host's namespace. */
    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public Host host() {
        return host;
    }

    /** How many requests the front sent to each manager (from its access log's upstream addresses), for the printout. */
    public Path accessLog() {
        return dir.resolve("access.log");
    }
}
