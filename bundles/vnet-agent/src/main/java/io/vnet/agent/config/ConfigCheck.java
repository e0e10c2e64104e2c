package io.vnet.agent.config;

import java.nio.file.Path;

/**
 * {@code vnet-agent --check FILE}: everything the agent checks of its configuration before it
 * starts, without starting: the file as {@link AgentConfig#load} reads it (fields, ranges, links,
 * rules, networks, VMs, token files), and its TLS files as the agent loads them (the CA, the
 * certificate and its key match, the deny list). Nothing is created, bound or changed.
 */
public final class ConfigCheck {
    private ConfigCheck() {
    }

    /**
     * Checks {@code file}; returns what the agent would run, in one line.
     *
     * @throws ConfigException what is wrong, naming the file and field
     */
    public static String check(Path file) throws ConfigException {
        AgentConfig c = AgentConfig.load(file);
        boolean enrols = c.enrolment() != null && !java.nio.file.Files.exists(c.dataPlane().tls().cert());
        if (enrols && !java.nio.file.Files.isReadable(c.enrolment().tokenFile())) {
            throw new ConfigException("config " + file + ": enrolment.tokenFile: cannot read " + c.enrolment().tokenFile()
                    + " (the token vnetctl manager enrol printed)", null);
        }
        if (c.dataPlane().tls() != null && !enrols) {
            try {
                io.vnet.protocol.Tls.load(c.dataPlane().tls());
            } catch (java.io.IOException | RuntimeException e) {
                throw new ConfigException("config " + file + ": tls: " + e.getMessage(), e);
            }
        }
        return "config " + file + " is valid: host " + c.hostId() + " (role " + c.role() + "), " + c.networks().size()
                + " network(s), " + c.interfaces().size() + " interface(s), " + c.lans().size() + " LAN device(s), "
                + c.links().size() + " link(s), " + c.rules().size() + " rule(s), " + c.vms().size() + " VM(s), "
                + (c.manager() == null ? "no manager" : c.managers().size() == 1 ? "manager " + c.manager()
                : "managers " + c.managers()) + ", "
                + (c.insecure() ? "INSECURE (no TLS)" : enrols ? "mutual TLS once enrolled (token in "
                + c.enrolment().tokenFile() + ", certificate to " + c.enrolment().dir() + ")" : "mutual TLS") + ", metrics "
                + (c.metrics().listen() == null ? "off" : c.metrics().listen());
    }
}
