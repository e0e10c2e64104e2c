package io.vnet.hostagent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The per-host daemon: starts an embedded Apache Felix framework, installs and starts every
 * bundle of the bundles directory (the VNET bundles and their libraries), and runs until
 * SIGTERM or SIGINT, when it stops the framework cleanly. Exit code 2 means the agent
 * could not start (e.g. a configuration error, logged with file and field).
 */
@Command(name = "vnet-agent", mixinStandardHelpOptions = true, version = "vnet-agent 0.1.0",
        description = "VNET host agent: carries tenant Ethernet frames between TAP devices and overlay links.")
public final class Launcher implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(Launcher.class.getName());
    static final String FATAL_PROPERTY = io.vnet.api.lifecycle.Fatal.PROPERTY;

    @Option(names = {"-c", "--config"}, description = "agent configuration file (JSON); required unless --check")
    private Path config;

    @Option(names = "--bundles", description = "directory of bundles to run (default: the one beside lib/)")
    private Path bundles;

    @Option(names = "--state", description = "Felix cache directory (default: a fresh temporary directory)")
    private Path state;

    @Option(names = "--log-level", defaultValue = "INFO", description = "SEVERE, WARNING, INFO, FINE, ...")
    private String logLevel;

    @Option(names = "--config-property", defaultValue = "vnet.agent.config", hidden = true,
            description = "the framework property that names the configuration file (the manager uses vnet.manager.config)")
    private String configProperty;

    @Option(names = "--fw", paramLabel = "KEY=VALUE",
            description = "a framework property for the bundles (repeatable), e.g. --fw org.osgi.service.http.port=8470")
    private Map<String, String> frameworkProperties = new HashMap<>();

    @Option(names = "--check", paramLabel = "CONFIG", description = "check this configuration (fields, links, rules,"
            + " TLS files) and exit: 0 and a summary if the agent would start with it, 2 and what is wrong if not;"
            + " starts nothing")
    private Path check;

    @Option(names = "--upgrade-config", paramLabel = "CONFIG", description = "rewrite a configuration an older version"
            + " wrote into what this one takes (the original kept as CONFIG.dpkg-old), say what it chose, and exit;"
            + " the package runs it on upgrade")
    private Path upgradeConfig;

    private volatile boolean signalled;

    /**
     * {@code --check} and {@code --upgrade-config}: the agent bundle's own ({@code ConfigCheck.check},
     * {@code ConfigUpgrade.upgrade}), run from the bundles' jars on a plain class loader, outside the
     * framework, so that they start nothing.
     */
    private int agentTool(Path bundleDir, String className, String method) throws Exception {
        if (!configProperty.equals("vnet.agent.config")) {
            System.err.println("--check and --upgrade-config take an agent's configuration only");
            return 2;
        }
        List<java.net.URL> jars = new ArrayList<>();
        try (Stream<Path> s = Files.list(bundleDir)) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(jar.toUri().toURL());
            }
        }
        LogFormat.install(Level.WARNING); // the checks' own progress lines (INFO) are not the answer
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(jars.toArray(java.net.URL[]::new),
                Launcher.class.getClassLoader())) {
            Class<?> c = loader.loadClass(className);
            try {
                Object r = c.getMethod(method, Path.class).invoke(null, config.toAbsolutePath());
                if (r instanceof Record rec) { // ConfigUpgrade.Result: its lines
                    ((List<?>) rec.getClass().getMethod("said").invoke(rec)).forEach(System.out::println);
                } else {
                    System.out.println(r);
                }
                return 0;
            } catch (java.lang.reflect.InvocationTargetException e) {
                System.err.println("vnet-agent: " + e.getCause().getMessage());
                return 2;
            }
        }
    }

    public static void main(String[] args) {
        int rc = new CommandLine(new Launcher()).execute(args);
        System.exit(rc);
    }

    @Override
    public Integer call() throws Exception {
        LogFormat.install(Level.parse(logLevel));
        if (check != null) {
            config = check;
        }
        if (upgradeConfig != null) {
            config = upgradeConfig;
        }
        if (config == null) {
            System.err.println("vnet-agent: --config FILE is required (or --check FILE)");
            return 2;
        }
        if (!Files.isReadable(config)) {
            System.err.println("vnet-agent: config " + config + ": no such readable file");
            return 2;
        }
        Path bundleDir = bundles != null ? bundles : defaultBundleDir();
        if (!Files.isDirectory(bundleDir)) {
            System.err.println("vnet-agent: bundle directory " + bundleDir + " does not exist (build with mvn package)");
            return 2;
        }
        if (check != null) {
            return agentTool(bundleDir, "io.vnet.agent.config.ConfigCheck", "check");
        }
        if (upgradeConfig != null) {
            return agentTool(bundleDir, "io.vnet.agent.config.ConfigUpgrade", "upgrade");
        }
        boolean tempState = state == null;
        Path cache = tempState ? temporaryCache() : state;

        Map<String, String> props = new HashMap<>();
        // a temporary one holds Felix's storage beside its owner file (Felix empties its storage at first init)
        props.put(Constants.FRAMEWORK_STORAGE, (tempState ? cache.resolve("felix") : cache).toString());
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "sun.misc,sun.nio.ch");
        props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(OWN_LEVEL));
        props.putAll(frameworkProperties);
        props.put(configProperty, config.toAbsolutePath().toString());
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).iterator().next();
        Framework fw = factory.newFramework(props);
        fw.init();

        Thread hook = new Thread(() -> {
            signalled = true;
            LOG.info("signal received: stopping");
            stop(fw);
            // the JVM ends with the hooks, maybe before the main thread gets past waitForStop: the
            // temporary bundle cache (about 22 MB) goes here, or every stop would leave one in /tmp
            deleteCache(tempState ? cache : null);
            LOG.info("stopped cleanly");
            AgentLogManager.finish();
        }, "vnet-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        List<Bundle> installed = new ArrayList<>();
        try (Stream<Path> jars = Files.list(bundleDir)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                Bundle b = fw.getBundleContext().installBundle(jar.toUri().toString());
                b.adapt(BundleStartLevel.class).setStartLevel(startLevel(b.getSymbolicName()));
                installed.add(b);
            }
        }
        fw.start();
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                try {
                    b.start();
                } catch (Exception e) {
                    LOG.log(Level.SEVERE, "bundle " + b.getSymbolicName() + " failed to start: " + e.getMessage());
                }
            }
        }
        logBundles(fw);

        FrameworkEvent ev = fw.waitForStop(0);
        deleteCache(tempState ? cache : null);
        String fatal = System.getProperty(FATAL_PROPERTY);
        if (fatal != null) {
            System.err.println((configProperty.contains("manager") ? "vnet-manager: " : "vnet-agent: ") + fatal);
            return 2;
        }
        if (!signalled) {
            LOG.info("framework stopped (" + ev.getType() + ")");
        }
        return 0;
    }

    /**
     * Logs each bundle's state; nothing if the framework is stopping already (a component that failed at its
     * start stops it, maybe before this runs: its context is gone then, and the fatal error is what counts).
     */
    static void logBundles(Framework fw) {
        org.osgi.framework.BundleContext ctx = fw.getBundleContext();
        Bundle[] bundles;
        try {
            bundles = ctx == null ? null : ctx.getBundles();
        } catch (IllegalStateException stopping) {
            bundles = null;
        }
        if (bundles == null) {
            LOG.info("framework stopping before its bundles were listed");
            return;
        }
        int active = 0;
        for (Bundle b : bundles) {
            String state = switch (b.getState()) {
                case Bundle.ACTIVE -> "ACTIVE";
                case Bundle.RESOLVED -> b.getHeaders().get(Constants.FRAGMENT_HOST) != null ? "RESOLVED (fragment)" : "RESOLVED";
                case Bundle.INSTALLED -> "INSTALLED (unresolved)";
                case Bundle.STARTING -> "STARTING";
                default -> "state " + b.getState();
            };
            if (b.getState() == Bundle.ACTIVE) {
                active++;
            }
            LOG.info("bundle " + b.getBundleId() + " " + b.getSymbolicName() + " " + b.getVersion() + " " + state);
        }
        LOG.info(active + " bundles ACTIVE");
    }

    /** The start level of the libraries (JDBC drivers, Netty, SCR, Jetty...): started first, stopped last. */
    static final int LIBRARY_LEVEL = 1;
    /** The start level of VNET's own bundles. */
    static final int OWN_LEVEL = 2;

    /**
     * VNET's bundles start after the libraries and, what matters, stop before them: the manager's store
     * writes what it still holds while the JDBC driver is there (a driver stopped first, as the reverse of
     * the install order had it, lost those writes with "No suitable driver").
     */
    static int startLevel(String symbolicName) {
        return symbolicName != null && symbolicName.startsWith("io.vnet.") ? OWN_LEVEL : LIBRARY_LEVEL;
    }

    private static void stop(Framework fw) {
        try {
            if ((fw.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                fw.stop();
                fw.waitForStop(15_000);
            }
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the framework: " + e.getMessage());
        }
    }

    private static Path defaultBundleDir() {
        String home = System.getProperty("vnet.home");
        if (home != null) {
            return Path.of(home, "bundles");
        }
        try {
            Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.getParent().resolveSibling("bundles");
        } catch (Exception e) {
            return Path.of("bundles");
        }
    }

    static final String TEMP_CACHE_PREFIX = "vnet-agent-felix";
    static final String OWNER_FILE = "vnet-owner.pid";

    /**
     * A temporary bundle cache (without {@code --state}), marked with this process's id; the temporary caches
     * of processes that are gone (killed with SIGKILL: no shutdown hook ran) are deleted first.
     */
    static Path temporaryCache() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        sweepTemporaryCaches(tmp);
        Path cache = Files.createTempDirectory(tmp, TEMP_CACHE_PREFIX);
        Files.writeString(cache.resolve(OWNER_FILE), ProcessHandle.current().pid() + " "
                + ProcessHandle.current().info().startInstant().map(Object::toString).orElse("?"));
        return cache;
    }

    /**
     * Deletes in {@code dir} the temporary caches whose owner (its pid and start time, in {@link #OWNER_FILE}) is no
     * longer running; returns how many. A cache without the file (an older version's) is left alone.
     */
    static int sweepTemporaryCaches(Path dir) {
        int n = 0;
        try (Stream<Path> caches = Files.list(dir)) {
            for (Path c : caches.filter(p -> p.getFileName().toString().startsWith(TEMP_CACHE_PREFIX)).toList()) {
                try {
                    String[] owner = Files.readString(c.resolve(OWNER_FILE)).trim().split(" ", 2);
                    java.util.Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(owner[0]));
                    boolean alive = p.isPresent() && (owner.length < 2 || p.get().info().startInstant()
                            .map(t -> t.toString().equals(owner[1])).orElse(true));
                    if (!alive) {
                        deleteCache(c);
                        n++;
                    }
                } catch (IOException | RuntimeException e) {
                    // no owner file, or one unreadable: not ours to judge
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot look for stale bundle caches in " + dir + ": " + e);
        }
        return n;
    }

    /**
     * Deletes a temporary cache: Felix's storage first, its owner file last, so that a deletion cut short (the
     * process killed while its shutdown hook deletes) leaves a cache the next start's sweep still recognises. A
     * walk of the whole tree removes the owner file first ("vnet-owner.pid" sorts after "felix").
     */
    static void deleteCache(Path cache) {
        if (cache != null) {
            deleteTree(cache.resolve("felix"));
            deleteTree(cache);
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        // best effort: a temporary cache, which the shutdown hook and the main thread may both be
        // deleting (a file the other removed first ends one walk: the next one goes on; a CI run once
        // lost the hook, and its "stopped cleanly", to such a NoSuchFileException)
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException | java.io.UncheckedIOException ignored) {
                // try again
            }
        }
    }
}
