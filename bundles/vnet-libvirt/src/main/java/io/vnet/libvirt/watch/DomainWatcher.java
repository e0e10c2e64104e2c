package io.vnet.libvirt.watch;

import java.lang.System.Logger.Level;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Library;
import org.libvirt.LibvirtException;
import org.libvirt.event.DomainEvent;
import org.libvirt.event.LifecycleListener;

/**
 * Follows the domains of the libvirt daemon at {@code uri} (e.g. qemu:///system): connects,
 * lists the running domains, subscribes to lifecycle events, and re-lists every {@code
 * resyncMs}. A lost or refused connection is reported to the listener and retried with capped
 * backoff; it is never fatal. Events arrive on libvirt's event loop thread (one per JVM, started
 * on first use) and are handled, like everything else here, on the watcher's own thread.
 */
public final class DomainWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DomainWatcher.class.getName());
    private static final long BACKOFF_MIN_MS = 500;
    private static final long BACKOFF_MAX_MS = 30_000;
    private static Thread eventLoop;

    private final String uri;
    private final long resyncMs;
    private final DomainListener listener;
    private final ScheduledExecutorService exec;
    private final LifecycleListener lifecycle = this::onLifecycle;
    private Tracker tracker;
    private Connect conn;
    private ScheduledFuture<?> resync;
    private long backoffMs = BACKOFF_MIN_MS;
    private volatile boolean closed;
    private volatile boolean connected;
    private volatile String lastError;

    public DomainWatcher(String uri, long resyncMs, DomainListener listener) {
        this.uri = uri;
        this.resyncMs = resyncMs;
        this.listener = listener;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vnet-libvirt");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts connecting (in the background); returns at once. */
    public void start() {
        exec.execute(this::connect);
    }

    public String uri() {
        return uri;
    }

    public boolean connected() {
        return connected;
    }

    /** Why the last connection attempt or the connection failed, or null. */
    public String lastError() {
        return lastError;
    }

    /** libvirt's event loop: initialised before the first connection, run by one daemon thread per JVM. */
    private static synchronized void ensureEventLoop() throws LibvirtException {
        if (eventLoop != null && eventLoop.isAlive()) {
            return;
        }
        Library.initEventLoop();
        eventLoop = new Thread(() -> {
            try {
                Library.runEventLoop();
            } catch (LibvirtException e) {
                LOG.log(Level.ERROR, "libvirt's event loop stopped: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "libvirt-event-loop");
        eventLoop.setDaemon(true);
        eventLoop.start();
    }

    private void connect() {
        if (closed) {
            return;
        }
        try {
            ensureEventLoop();
            Connect c = new Connect(uri);
            conn = c;
            c.setKeepAlive(5, 3);
            c.registerCloseListener((cc, reason) -> exec.execute(() -> lost(c, "connection closed (" + reason + ")")));
            tracker = new Tracker(new LibvirtSource(c), listener);
            c.addLifecycleListener(lifecycle);
            tracker.resync();
            connected = true;
            lastError = null;
            backoffMs = BACKOFF_MIN_MS;
            LOG.log(Level.INFO, "libvirt " + uri + ": connected, " + tracker.running().size() + " running domain(s)");
            listener.connection(true, "connected to " + uri);
            resync = exec.scheduleWithFixedDelay(this::resync, resyncMs, resyncMs, TimeUnit.MILLISECONDS);
        } catch (LibvirtException | RuntimeException e) {
            fail("cannot connect: " + message(e));
        } catch (Exception e) {
            fail("cannot list domains: " + message(e));
        }
    }

    /** Runs on libvirt's event loop thread: only hands the event over. */
    private int onLifecycle(Domain d, DomainEvent e) {
        try {
            String uuid = d.getUUIDString();
            Tracker.Event type = Tracker.Event.valueOf(e.getType().name());
            Object detail = e.getDetail();
            String detailName = detail == null ? "UNKNOWN" : ((Enum<?>) detail).name();
            exec.execute(() -> handle(uuid, type, detailName));
        } catch (LibvirtException | RuntimeException ex) {
            LOG.log(Level.WARNING, "libvirt event " + e + ": " + message(ex));
        }
        return 0;
    }

    private void handle(String uuid, Tracker.Event type, String detail) {
        if (tracker == null || !connected) {
            return; // the resync after reconnecting catches up
        }
        try {
            LOG.log(Level.INFO, "domain " + uuid + ": " + type + " " + detail);
            tracker.event(uuid, type, detail);
        } catch (Exception e) {
            lost(conn, "reading domain " + uuid + " after " + type + ": " + message(e));
        }
    }

    private void resync() {
        if (!connected) {
            return;
        }
        try {
            tracker.resync();
        } catch (Exception e) {
            lost(conn, "listing domains: " + message(e));
        }
    }

    private void lost(Connect c, String why) {
        if (c != conn || !connected) {
            return;
        }
        connected = false;
        if (resync != null) {
            resync.cancel(false);
        }
        closeQuietly(c);
        conn = null;
        fail(why);
    }

    private void fail(String why) {
        lastError = why;
        long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        LOG.log(Level.WARNING, "libvirt " + uri + ": " + why + "; retrying in " + delay + " ms");
        listener.connection(false, why);
        if (!closed) {
            exec.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void closeQuietly(Connect c) {
        if (c == null) {
            return;
        }
        try {
            c.removeLifecycleListener(lifecycle);
        } catch (LibvirtException | RuntimeException ignored) {
            // the connection is gone already
        }
        try {
            c.unregisterCloseListener();
        } catch (LibvirtException | RuntimeException ignored) {
            // idem
        }
        try {
            c.close();
        } catch (LibvirtException | RuntimeException ignored) {
            // idem
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage().strip();
    }

    @Override
    public void close() {
        closed = true;
        try {
            exec.submit(() -> {
                connected = false;
                closeQuietly(conn);
                conn = null;
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "closing the libvirt connection: " + e);
        }
        exec.shutdownNow();
    }
}
