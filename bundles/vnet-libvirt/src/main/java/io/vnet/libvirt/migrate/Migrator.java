package io.vnet.libvirt.migrate;

import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;

/**
 * Live-migrates a running domain from one libvirt daemon to another with virDomainMigrate: the
 * caller's connections to both daemons drive it (not peer-to-peer), and the migration stream
 * goes to {@code migrateUri} (e.g. tcp://192.0.2.12, the destination's address on the hosts'
 * network) when given. A persistent domain stays persistent on the destination and is undefined
 * on the source. A migration that outlasts its timeout is aborted; the domain then keeps running
 * where it was.
 */
public final class Migrator {
    private static final System.Logger LOG = System.getLogger(Migrator.class.getName());
    /** libvirt's VIR_MIGRATE_* flags (virDomainMigrateFlags). */
    static final long LIVE = 1;
    static final long PERSIST_DEST = 8;
    static final long UNDEFINE_SOURCE = 16;

    private Migrator() {
    }

    /**
     * Moves domain {@code uuid} from the daemon at {@code fromUri} to the one at {@code toUri};
     * returns when it runs there.
     *
     * @throws MigrationException with libvirt's message when it is refused, fails or times out
     */
    public static void migrate(String uuid, String fromUri, String toUri, String migrateUri, long timeoutMs)
            throws MigrationException {
        Connect src = null;
        Connect dst = null;
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vnet-libvirt-migrate");
            t.setDaemon(true);
            return t;
        });
        try {
            src = open(fromUri);
            dst = open(toUri);
            Domain d = lookup(src, uuid, fromUri);
            long flags = LIVE | (d.isPersistent() == 1 ? PERSIST_DEST | UNDEFINE_SOURCE : 0);
            Connect target = dst;
            long started = System.nanoTime();
            Future<Domain> job = worker.submit(() -> d.migrate(target, flags, null, migrateUri, 0));
            try {
                job.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                abort(d);
                throw new MigrationException("migrating domain " + uuid + " from " + fromUri + " to " + toUri
                        + ": no result within " + timeoutMs + " ms; aborted, it stays on its source", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw new MigrationException("migrating domain " + uuid + " from " + fromUri + " to " + toUri + ": "
                        + (c.getMessage() == null ? c.toString() : c.getMessage().strip()), c);
            }
            LOG.log(Level.INFO, "domain " + uuid + " migrated from " + fromUri + " to " + toUri + " in "
                    + (System.nanoTime() - started) / 1_000_000 + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationException("migrating domain " + uuid + ": interrupted", e);
        } catch (LibvirtException e) {
            throw new MigrationException("migrating domain " + uuid + " from " + fromUri + " to " + toUri + ": "
                    + e.getMessage().strip(), e);
        } finally {
            worker.shutdownNow();
            close(dst);
            close(src);
        }
    }

    private static Connect open(String uri) throws MigrationException {
        try {
            return new Connect(uri);
        } catch (LibvirtException e) {
            throw new MigrationException("cannot connect to libvirt at " + uri + ": " + e.getMessage().strip(), e);
        }
    }

    private static Domain lookup(Connect c, String uuid, String uri) throws MigrationException {
        try {
            Domain d = c.domainLookupByUUIDString(uuid);
            if (d.isActive() != 1) {
                throw new MigrationException("domain " + uuid + " is not running at " + uri, null);
            }
            return d;
        } catch (LibvirtException e) {
            throw new MigrationException("no domain " + uuid + " at " + uri + ": " + e.getMessage().strip(), e);
        }
    }

    private static void abort(Domain d) {
        try {
            d.abortJob();
        } catch (LibvirtException e) {
            LOG.log(Level.WARNING, "aborting a migration: " + e.getMessage());
        }
    }

    private static void close(Connect c) {
        if (c != null) {
            try {
                c.close();
            } catch (LibvirtException e) {
                LOG.log(Level.DEBUG, "closing a libvirt connection: " + e.getMessage());
            }
        }
    }
}
