package io.vnet.manager.cloudstack.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.manager.HostInfo;
import io.vnet.manager.cloudstack.CloudStackException;
import io.vnet.manager.store.ManagerStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The CloudStack integration built from its configuration: client, inventory, VNI map, event
 * intake (webhook receiver and/or listEvents poller), the Network Extension's commands, the
 * migration executor, the tenant directory (sign-in with CloudStack keys) and the routes.
 * {@link #start()} schedules the full syncs and the polls.
 */
final class CloudStackWiring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CloudStackWiring.class.getName());
    /** How many event ids are remembered to drop repeated deliveries. */
    static final int RECENT_EVENT_IDS = 10_000;

    final CloudStackConfig config;
    final CloudStackClient client;
    final NetworkDirectory directory;
    final VniMap vnis;
    final Inventory inventory;
    final EventHandler events;
    final RecentIds seen;
    final WebhookReceiver webhook;
    final EventPoller poller;
    final ExtensionCommands extension;
    final CloudStackMigrationExecutor migrations;
    final CloudStackTenants tenants;
    final CloudStackApi api;
    private final ScheduledExecutorService scheduler;

    /**
     * @param handling runs the handling of webhook deliveries; null: the wiring's own threads
     */
    CloudStackWiring(CloudStackConfig config, ManagerStore store, Supplier<List<HostInfo>> agents, Clock clock,
                     boolean allowRemote, Executor handling) {
        this(config, store, agents, clock, allowRemote, handling, v -> { });
    }

    /** @param onRelease forgets what the manager holds in memory of a released VNI */
    CloudStackWiring(CloudStackConfig config, ManagerStore store, Supplier<List<HostInfo>> agents, Clock clock,
                     boolean allowRemote, Executor handling, java.util.function.IntConsumer onRelease) {
        this.config = config;
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "vnet-cloudstack");
            t.setDaemon(true);
            return t;
        });
        this.client = new CloudStackClient(config.clientSettings(), clock);
        this.directory = new NetworkDirectory(client);
        this.vnis = new VniMap(store, directory, config.offeringName(), config.vniFrom(), config.vniTo(), clock,
                java.time.Duration.ofDays(config.vniQuarantineDays()), onRelease);
        this.inventory = new Inventory(client, directory, vnis, agents, clock);
        this.events = new EventHandler(inventory);
        this.seen = new RecentIds(RECENT_EVENT_IDS);
        this.webhook = config.events().webhook()
                ? new WebhookReceiver(config.webhookSecret(), seen, events, handling != null ? handling : scheduler) : null;
        this.poller = config.events().poll()
                ? new EventPoller(client, seen, events, inventory, clock, config.eventsTimeZone(), Duration.ofMinutes(1))
                : null;
        this.extension = new ExtensionCommands(directory, vnis, inventory, client, clock);
        this.migrations = new CloudStackMigrationExecutor(client, inventory, config.hostMap(), config.migrationTimeout(),
                config.pollJob(), clock, d -> Thread.sleep(d.toMillis()));
        this.tenants = new CloudStackTenants(config.clientSettings(), clock, client, vnis);
        this.api = new CloudStackApi(new CloudStackApi.Services(inventory, vnis, webhook, extension,
                config.extensionToken(), config.hookToken(), this::status), allowRemote);
        if (config.extensionToken() != null && config.hookToken() == null) {
            LOG.log(Level.WARNING, "the KVM hosts' hook authenticates with the Network Extension's token"
                    + " (cloudstack.extensionToken), which can also destroy networks, and every KVM host holds it: set"
                    + " cloudstack.hookToken (hookTokenFile), a token of its own, and give the hosts that one");
        }
    }

    /** Schedules the full sync (now, then every syncMs) and, when polling, listEvents every pollMs. */
    void start() {
        scheduler.scheduleWithFixedDelay(this::sync, 0, config.sync().toMillis(), TimeUnit.MILLISECONDS);
        if (poller != null) {
            long every = config.poll().toMillis();
            scheduler.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void sync() {
        try {
            inventory.fullSync();
            LOG.log(Level.DEBUG, "CloudStack inventory: " + inventory.vms().size() + " VM(s)");
        } catch (CloudStackException | RuntimeException e) {
            LOG.log(Level.WARNING, "CloudStack full sync failed: " + e.getMessage());
        }
    }

    private void poll() {
        try {
            poller.poll();
        } catch (CloudStackException | RuntimeException e) {
            LOG.log(Level.WARNING, "CloudStack listEvents poll failed: " + e.getMessage());
        }
    }

    ObjectNode status() {
        ObjectNode o = CloudStackClient.JSON.createObjectNode().put("url", config.url().toString())
                .put("events", config.events().name().toLowerCase()).put("offeringName", config.offeringName());
        Instant last = inventory.lastSync();
        o.put("lastSync", last == null ? null : last.toString()).put("lastSyncError", inventory.lastSyncError());
        o.put("vms", inventory.vms().size()).put("networks", vnis.networks().size());
        o.set("handling", events.counters());
        if (webhook != null) {
            o.set("webhook", webhook.counters());
        }
        return o;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
