package io.vnet.manager.cloudstack.impl;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import io.vnet.manager.MigrationExecutor;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.cloudstack.CloudStackVm;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Moves VMs with CloudStack's live migration: the VM is found by its MAC in the inventory (read
 * again from CloudStack when the inventory does not know it), the VNET host by name among
 * CloudStack's hosts (through {@code hostMap} when their names differ), then migrateVirtualMachine
 * starts a job and queryAsyncJobResult is asked until the job is done (jobstatus 1), failed
 * (jobstatus 2: CloudStack's errortext is thrown) or the timeout passed; a question that fails
 * with no answer or a server error is asked again, since the job goes on regardless.
 * <p>
 * A MAC alone proves nothing (a tenant VM can send from any MAC), so before it moves anything the
 * executor checks, in CloudStack's own records, that the VM's NIC with that MAC is on the
 * decision's network and that the VM runs on the decision's source host; otherwise it refuses.
 */
final class CloudStackMigrationExecutor implements MigrationExecutor {
    private static final System.Logger LOG = System.getLogger(CloudStackMigrationExecutor.class.getName());

    /** How the executor waits between two questions about the job (tests pass one that does not sleep). */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final CloudStackClient client;
    private final Inventory inventory;
    private final Map<String, String> hostMap;
    private final Duration timeout;
    private final Duration pollEvery;
    private final Clock clock;
    private final Sleeper sleeper;

    CloudStackMigrationExecutor(CloudStackClient client, Inventory inventory, Map<String, String> hostMap,
                                Duration timeout, Duration pollEvery, Clock clock, Sleeper sleeper) {
        this.client = client;
        this.inventory = inventory;
        this.hostMap = Map.copyOf(hostMap);
        this.timeout = timeout;
        this.pollEvery = pollEvery;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public String describe() {
        return "CloudStack live migration at " + client.endpoint();
    }

    @Override
    public void migrate(NetworkId network, MacAddress vm, String fromHost, String toHost) throws Exception {
        CloudStackVm v = vmOf(vm);
        checkNetwork(v, vm, network);
        CsHost source = hostOf(fromHost);
        if (v.hostId() == null || !v.hostId().equals(source.id())) {
            throw new IllegalArgumentException("refused: VM " + v.uuid() + " (" + v.name() + ") runs on CloudStack host "
                    + (v.hostId() == null ? "none (it is " + v.state() + ")" : v.hostName() + " (" + v.hostId() + ")")
                    + ", not on " + fromHost + " = " + source.name() + " (" + source.id() + "), where the decision saw it");
        }
        CsHost target = hostOf(toHost);
        LOG.log(Level.INFO, "migrating VM " + v.uuid() + " (" + v.name() + ", MAC " + vm + " on VNI " + network.vni()
                + ") from " + fromHost + " to " + toHost + " = CloudStack host " + target.id() + " (" + target.name() + ")");
        String job = client.migrateVirtualMachine(v.uuid(), target.id());
        CsJob done = await(job, v);
        LOG.log(Level.INFO, "VM " + v.uuid() + " migrated to " + target.name() + " (job " + done.jobId() + ")");
        try {
            inventory.refresh(v.uuid());
        } catch (CloudStackException e) {
            LOG.log(Level.WARNING, "VM " + v.uuid() + " migrated; reading it again failed: " + e.getMessage());
        }
    }

    /** The VM's NIC with {@code mac} must be on {@code network} (a Home Network with that VNI). */
    private static void checkNetwork(CloudStackVm v, MacAddress mac, NetworkId network) {
        for (io.vnet.manager.cloudstack.CloudStackNic n : v.nics()) {
            if (mac.toString().equals(n.mac())) {
                if (n.vni() != null && n.vni() == network.vni()) {
                    return;
                }
                throw new IllegalArgumentException("refused: VM " + v.uuid() + " (" + v.name() + ") has MAC " + mac
                        + " on network " + n.networkName() + " (" + (n.vni() == null ? "not a Home Network" : "VNI "
                        + n.vni()) + "), not on the decision's network " + network.vni());
            }
        }
        throw new IllegalArgumentException("refused: VM " + v.uuid() + " has no NIC with MAC " + mac);
    }

    private CloudStackVm vmOf(MacAddress mac) throws CloudStackException {
        Optional<CloudStackVm> v = inventory.vmByMac(mac.toString());
        if (v.isEmpty()) {
            inventory.fullSync();
            v = inventory.vmByMac(mac.toString());
        }
        return v.orElseThrow(() -> new IllegalArgumentException("no CloudStack VM has a NIC with MAC " + mac));
    }

    /** The CloudStack host of a VNET host id: by hostMap, else by the same name (or the same short name). */
    CsHost hostOf(String vnetHost) throws CloudStackException {
        String name = hostMap.getOrDefault(vnetHost, vnetHost);
        List<CsHost> hosts = client.listRoutingHosts();
        for (CsHost h : hosts) {
            if (h.name() != null && h.name().equalsIgnoreCase(name)) {
                return h;
            }
        }
        for (CsHost h : hosts) {
            if (h.name() != null && shortName(h.name()).equals(shortName(name))) {
                return h;
            }
        }
        throw new IllegalArgumentException("VNET host '" + vnetHost + "': no CloudStack host is named '" + name
                + "' (set cloudstack.hostMap." + vnetHost + " to its CloudStack host name)");
    }

    /** Whether a failed question may be answered if asked again: no answer at all, or a server error. */
    private static boolean mayPass(CloudStackException e) {
        return e.unreachable() || e.httpStatus() >= 500;
    }

    private static String shortName(String host) {
        int dot = host.indexOf('.');
        return (dot < 0 ? host : host.substring(0, dot)).toLowerCase(Locale.ROOT);
    }

    /**
     * Asks about the job until it is done, failed or the timeout passed. A question that fails for
     * a reason that may pass (CloudStack unreachable, or an HTTP 5xx such as its internal error
     * 530) is asked again at the next poll: the job goes on in CloudStack whatever happened to
     * one answer, and giving up would leave a migration running that the closed loop no longer
     * follows. An error that will not pass (4xx: an unknown job, a refused signature) ends the wait.
     */
    private CsJob await(String jobId, CloudStackVm v) throws Exception {
        Instant deadline = clock.instant().plus(timeout);
        int failedQuestions = 0;
        while (true) {
            CsJob j;
            try {
                j = client.queryAsyncJobResult(jobId);
            } catch (CloudStackException e) {
                if (!mayPass(e)) {
                    throw e;
                }
                failedQuestions++;
                LOG.log(Level.WARNING, "asking about job " + jobId + " (VM " + v.uuid() + ") failed, "
                        + failedQuestions + " time(s) so far; asking again: " + e.getMessage());
                if (!clock.instant().isBefore(deadline)) {
                    throw new IllegalStateException("CloudStack did not say whether it migrated VM " + v.uuid()
                            + " within " + timeout.toMillis() + " ms (job " + jobId + "; " + failedQuestions
                            + " question(s) failed, the last: " + e.getMessage() + ")", e);
                }
                sleeper.sleep(pollEvery);
                continue;
            }
            if (j.status() == CsJob.SUCCEEDED) {
                return j;
            }
            if (j.status() == CsJob.FAILED) {
                throw new IllegalStateException("CloudStack could not migrate VM " + v.uuid() + " (job " + jobId
                        + "): " + j.errorText() + " (errorcode " + j.errorCode() + ")");
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new IllegalStateException("CloudStack did not finish migrating VM " + v.uuid() + " within "
                        + timeout.toMillis() + " ms (job " + jobId + " is still pending)");
            }
            sleeper.sleep(pollEvery);
        }
    }
}
