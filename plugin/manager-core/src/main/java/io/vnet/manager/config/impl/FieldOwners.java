package io.vnet.manager.config.impl;

import io.vnet.manager.config.ManagerConfiguration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Which bundle owns which top-level field of the manager's configuration, from their manifests. */
final class FieldOwners {
    private static final System.Logger LOG = System.getLogger(FieldOwners.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    private FieldOwners() {
    }

    /**
     * The owner of each field from each bundle's header value ("a, b, c"); a name that is not a
     * plain identifier is a packaging mistake and refused; a field two bundles claim stays with the
     * first (and is logged).
     *
     * @param headers bundle symbolic name -> the header's value
     */
    static Map<String, String> of(Map<String, String> headers) {
        Map<String, String> owners = new TreeMap<>();
        headers.forEach((bundle, value) -> {
            for (String f : value.split(",")) {
                String field = f.strip();
                if (!NAME.matcher(field).matches()) {
                    throw new IllegalArgumentException("bundle " + bundle + ": " + ManagerConfiguration.FIELDS_HEADER
                            + ": '" + field + "' is not a field name");
                }
                String was = owners.putIfAbsent(field, bundle);
                if (was != null && !was.equals(bundle)) {
                    LOG.log(System.Logger.Level.WARNING, "configuration field " + field + " is claimed by " + was
                            + " and " + bundle + "; " + was + " keeps it");
                }
            }
        });
        return owners;
    }

    /** Refuses the first field of {@code config} that no bundle owns, naming it and the known ones. */
    static void check(ManagerConfiguration config, Map<String, String> owners) {
        for (String field : config.fieldNames()) {
            if (!owners.containsKey(field)) {
                throw config.error(field + ": unknown field (expected one of " + String.join(", ", owners.keySet())
                        + ")", null);
            }
        }
    }
}
