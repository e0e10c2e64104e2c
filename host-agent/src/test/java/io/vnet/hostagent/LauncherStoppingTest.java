package io.vnet.hostagent;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.junit.jupiter.api.Test;

/**
 * A component that fails at its start stops the framework, which can happen before the launcher lists the bundles:
 * the listing then says so instead of failing (a CI run's ProxyDhcpIT saw the launcher exit 1, from a
 * NullPointerException there, instead of the fatal error's 2).
 */
class LauncherStoppingTest {
    @Test
    void aFrameworkStoppingBeforeTheListingIsNotAnError() {
        AtomicInteger asked = new AtomicInteger();
        Framework gone = (Framework) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Framework.class},
                (p, m, args) -> {
                    if (m.getName().equals("getBundleContext")) {
                        asked.incrementAndGet();
                    }
                    return null;
                });
        assertDoesNotThrow(() -> Launcher.logBundles(gone), "no context: stopped");
        BundleContext invalid = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, args) -> {
                    throw new IllegalStateException("Invalid BundleContext.");
                });
        Framework stopping = (Framework) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Framework.class},
                (p, m, args) -> {
                    if (m.getName().equals("getBundleContext")) {
                        asked.incrementAndGet();
                        return invalid;
                    }
                    return null;
                });
        assertDoesNotThrow(() -> Launcher.logBundles(stopping), "a context no longer valid: stopping");
        assertEquals(2, asked.get());
    }
}
