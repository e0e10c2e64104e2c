package io.vnet.manager.config.impl;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.api.lifecycle.Fatal;
import io.vnet.manager.config.ManagerConfiguration;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The configuration service: reads the file the framework property {@value
 * ManagerConfiguration#PROPERTY} names, once, and checks that every top-level field is owned by
 * an installed bundle (its manifest's {@value ManagerConfiguration#FIELDS_HEADER}). A file that
 * cannot be read, or a field nobody owns, stops the manager with the file's name and the field's.
 * Without the property the service offers an empty configuration (the components that need a
 * file say so).
 */
@Component(service = ManagerConfiguration.class, immediate = true)
public final class ConfigComponent implements ManagerConfiguration {
    private static final System.Logger LOG = System.getLogger(ConfigComponent.class.getName());

    private final ManagerConfiguration config;

    @Activate
    public ConfigComponent(BundleContext ctx) {
        String file = ctx.getProperty(PROPERTY);
        try {
            ManagerConfiguration read = file == null ? ManagerConfiguration.none() : ManagerConfiguration.read(Path.of(file));
            FieldOwners.check(read, FieldOwners.of(headers(ctx.getBundles())));
            config = read;
        } catch (Exception e) {
            Fatal.stop(ctx, LOG, e.getMessage(), null);
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Map<String, String> headers(Bundle[] bundles) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Bundle b : bundles) {
            Dictionary<String, String> h = b.getHeaders();
            String owned = h == null ? null : h.get(FIELDS_HEADER);
            if (owned != null) {
                out.put(b.getSymbolicName(), owned);
            }
        }
        return out;
    }

    @Override
    public Optional<Path> file() {
        return config.file();
    }

    @Override
    public SortedSet<String> fieldNames() {
        return config.fieldNames();
    }

    @Override
    public JsonNode field(String name) {
        return config.field(name);
    }

    @Override
    public String toString() {
        return config.toString();
    }
}
