package io.vnet.agent.impl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.QuietLink;
import io.vnet.dataplane.DataPlane;
import io.vnet.protocol.Json;
import io.vnet.protocol.messages.StateMessage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the agent's links and rules that the manager owns. The configuration file's
 * links and rules are static and never touched; the manager's desired state (links, rules,
 * generation) is reconciled onto the data plane: what is no longer desired is removed, what
 * is missing is added, what already matches is left alone, so applying a state twice changes
 * nothing. The last applied state is kept on disk (written, flushed to the disk with fsync and
 * renamed into place, the directory flushed too), so a restarted agent forwards with it before
 * the manager answers, even after a power cut.
 * <p>
 * The configuration file's links flood as configured, but for the networks a desired state names
 * for them in {@code quiet} ({@link QuietLink}: the manager rebuilt those networks' flooding trees
 * over other links): those they carry without flooding, until a desired state no longer names
 * them. Only the flooding of a configured link changes, never its connection.
 * <p>
 * A state older than the one applied (a lower generation: a manager whose database was restored
 * from an older backup) is refused whole, logged and counted ({@link #refusedOlder}): the agent
 * keeps what it has, and the manager's next change, which has a newer generation, is applied.
 */
final class ManagedState {
    private static final System.Logger LOG = System.getLogger(ManagedState.class.getName());

    private final DataPlane dp;
    private Set<String> staticLinks;
    private Set<ForwardingRule.Key> staticRules;
    private final Path file;
    private final Map<String, LinkSpec> links = new LinkedHashMap<>();
    private final Map<ForwardingRule.Key, ForwardingRule> rules = new LinkedHashMap<>();
    /** Configured links quieted now, by id. */
    private final Map<String, QuietLink> quiet = new java.util.TreeMap<>();
    /** Each quieted configured link as it was configured, to put back. */
    private final Map<String, LinkSpec> configured = new java.util.HashMap<>();
    private long generation = -1;
    private long refusedOlder;
    /** The newest generation the manager sent (applied, refused or with errors); -1: none yet. */
    private long received = -1;

    ManagedState(DataPlane dp, Set<String> staticLinks, Set<ForwardingRule.Key> staticRules, Path file) {
        this.dp = dp;
        this.staticLinks = Set.copyOf(staticLinks);
        this.staticRules = Set.copyOf(staticRules);
        this.file = file;
    }

    synchronized long generation() {
        return generation;
    }

    /**
     * The configuration file's links and rules changed (SIGHUP): links of the old file that the new
     * one lacks are removed (with the rules that use them), changed ones updated in place where the
     * connection can stay (else closed and opened again), new ones added; a link still quieted by
     * the manager keeps its networks' flooding off. A new link whose id is one of the manager's
     * links is refused (an error names it); the rest goes on. The caller changes the file's rules
     * around this: the old ones away before, the new ones in after.
     *
     * @return what it did and what it refused, one line each
     */
    synchronized List<String> reloadStatic(List<LinkSpec> oldLinks, List<LinkSpec> newLinks, Set<ForwardingRule.Key> newRules) {
        List<String> said = new ArrayList<>();
        Map<String, LinkSpec> before = new LinkedHashMap<>();
        for (LinkSpec l : oldLinks) {
            if (staticLinks.contains(l.id())) { // a link the last file named but a reload refused is not the file's
                before.put(l.id(), l);
            }
        }
        Map<String, LinkSpec> after = new LinkedHashMap<>();
        for (LinkSpec l : newLinks) {
            if (links.containsKey(l.id())) {
                said.add("link " + l.id() + ": not added, the manager's desired state has a link of that id; rename it");
            } else {
                after.put(l.id(), l);
            }
        }
        for (LinkSpec l : before.values()) {
            LinkSpec want = after.get(l.id());
            if (want == null) {
                dp.removeLink(l.id());
                configured.remove(l.id());
                quiet.remove(l.id());
                said.add("link " + l.id() + ": removed");
            } else if (!want.equals(l)) {
                QuietLink q = quiet.get(l.id());
                LinkSpec next = q == null ? want : want.withoutFlooding(q.networks());
                if (q != null) {
                    configured.put(l.id(), want);
                }
                if (l.sameConnection(want)) {
                    List<String> errors = new ArrayList<>();
                    update(next, errors);
                    said.add("link " + l.id() + ": changed in place" + (errors.isEmpty() ? "" : ": " + errors));
                } else {
                    dp.removeLink(l.id());
                    dp.addLink(next);
                    said.add("link " + l.id() + ": changed, connected again");
                }
            }
        }
        List<String> failed = new ArrayList<>();
        for (LinkSpec l : after.values()) {
            if (!before.containsKey(l.id())) {
                try {
                    dp.addLink(l);
                    said.add("link " + l.id() + ": added");
                } catch (IllegalArgumentException e) {
                    said.add("link " + l.id() + ": not added: " + e.getMessage());
                    failed.add(l.id());
                }
            }
        }
        failed.forEach(after::remove);
        staticLinks = Set.copyOf(after.keySet());
        staticRules = Set.copyOf(newRules);
        return said;
    }

    /** The newest generation the manager sent since this agent started (-1: none). */
    synchronized long received() {
        return received;
    }

    /** How many desired states were refused because they were older than the one applied. */
    synchronized long refusedOlder() {
        return refusedOlder;
    }

    /** Applies the state saved by an earlier run, if there is one. */
    synchronized void restore() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            JsonNode saved = Json.MAPPER.readTree(Files.readString(file));
            List<String> errors = apply(saved, false);
            LOG.log(Level.INFO, "restored desired state generation " + generation + " from " + file + ": "
                    + links.size() + " link(s), " + rules.size() + " rule(s)" + (errors.isEmpty() ? "" : "; errors " + errors));
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.ERROR, "cannot restore the saved desired state " + file + ": " + e.getMessage());
        }
    }

    /**
     * Reconciles the data plane to {@code state} ({@code generation, links[], rules[]}) and
     * returns the errors (an empty list when all of it applied).
     */
    synchronized List<String> apply(JsonNode state, boolean save) {
        return apply(StateMessage.readLenient(state), save);
    }

    /** Applies a desired state document as read ({@link StateMessage#readLenient}); returns the errors. */
    synchronized List<String> apply(StateMessage.Lenient state, boolean save) {
        long gen = state.generation();
        if (save) {
            received = Math.max(received, gen);
        }
        List<String> errors = new ArrayList<>();
        if (gen == generation) {
            return errors;
        }
        if (gen < generation) {
            refusedOlder++;
            String why = "desired state generation " + gen + " refused: older than the applied generation " + generation
                    + " (was the manager's database restored from an older backup?); keeping generation " + generation;
            LOG.log(Level.WARNING, why);
            errors.add(why);
            return errors;
        }
        Map<String, LinkSpec> wantLinks = new LinkedHashMap<>();
        if (state.refused()) {
            errors.addAll(state.errors()); // the document is refused whole; its generation is taken, as with other errors
            generation = gen;
            return errors;
        }
        for (StateMessage.Entry<LinkSpec> e : state.links()) {
            LinkSpec l = e.value();
            if (l == null) {
                errors.add(e.error());
            } else if (staticLinks.contains(l.id())) {
                errors.add("links[" + e.index() + "]: link " + l.id() + " is in the agent's configuration file");
            } else {
                wantLinks.put(l.id(), l);
            }
        }
        Map<ForwardingRule.Key, ForwardingRule> wantRules = new LinkedHashMap<>();
        for (StateMessage.Entry<ForwardingRule> e : state.rules()) {
            ForwardingRule r = e.value();
            if (r == null) {
                errors.add(e.error());
            } else if (staticRules.contains(r.key())) {
                errors.add("rules[" + e.index() + "]: a rule for " + r.key() + " is in the agent's configuration file");
            } else {
                wantRules.put(r.key(), r);
            }
        }
        Map<String, QuietLink> wantQuiet = wantQuiet(state, errors);
        quietMore(wantQuiet, errors);
        // rules no longer wanted (or changed) go first, then links, so nothing points nowhere
        for (ForwardingRule r : List.copyOf(rules.values())) {
            if (!r.equals(wantRules.get(r.key()))) {
                dp.removeRule(r.key());
                rules.remove(r.key());
            }
        }
        for (LinkSpec l : List.copyOf(links.values())) {
            LinkSpec want = wantLinks.get(l.id());
            if (!l.equals(want) && l.sameConnection(want)) {
                // only its networks change: the connection stays, for the tenants it carries still
                try {
                    dp.updateLink(want);
                    links.put(l.id(), want);
                    rules.values().removeIf(r -> r.target().toString().equals("link:" + l.id())
                            && !want.carries(r.network().vni()));
                    continue;
                } catch (IllegalArgumentException e) {
                    errors.add("link " + l.id() + ": " + e.getMessage() + "; added again");
                }
            }
            if (!l.equals(want)) {
                dp.removeLink(l.id());
                links.remove(l.id());
                rules.values().removeIf(r -> r.target().toString().equals("link:" + l.id()));
            }
        }
        for (LinkSpec l : wantLinks.values()) {
            if (!links.containsKey(l.id())) {
                try {
                    dp.addLink(l);
                    links.put(l.id(), l);
                } catch (IllegalArgumentException e) {
                    errors.add("link " + l.id() + ": " + e.getMessage());
                }
            }
        }
        // flooding is taken off before it is put on, so that a host never floods on two trees at once
        quietRestore(wantQuiet, errors);
        Set<ForwardingRule> present = new HashSet<>(dp.rules());
        for (ForwardingRule r : wantRules.values()) {
            if (!present.contains(r)) {
                try {
                    dp.addRule(r);
                    rules.put(r.key(), r);
                } catch (IllegalArgumentException e) {
                    errors.add(e.getMessage());
                }
            } else {
                rules.put(r.key(), r);
            }
        }
        generation = gen;
        if (save) {
            save();
        }
        return errors;
    }

    /** The configured links {@code state} names in {@code quiet}, by id; errors for the others. */
    private Map<String, QuietLink> wantQuiet(StateMessage.Lenient state, List<String> errors) {
        Map<String, QuietLink> want = new java.util.TreeMap<>();
        for (StateMessage.Entry<QuietLink> e : state.quiet()) {
            QuietLink q = e.value();
            if (q == null) {
                errors.add(e.error());
            } else if (!staticLinks.contains(q.link())) {
                errors.add("quiet[" + e.index() + "]: link " + q.link() + " is not in the agent's configuration file"
                        + " (a link of the desired state says itself what it floods)");
            } else {
                want.put(q.link(), q);
            }
        }
        return want;
    }

    /** Configured links flood as configured again where {@code want} no longer quiets them (or quiets fewer networks). */
    private void quietRestore(Map<String, QuietLink> want, List<String> errors) {
        Map<String, LinkSpec> present = new java.util.HashMap<>();
        dp.links().forEach(l -> present.put(l.id(), l));
        for (String id : List.copyOf(quiet.keySet())) {
            LinkSpec conf = configured.get(id);
            QuietLink q = want.get(id);
            LinkSpec next = q == null ? conf : conf.withoutFlooding(q.networks());
            if (q == null) {
                configured.remove(id);
                quiet.remove(id);
            }
            if (conf != null && present.containsKey(id) && !next.equals(present.get(id))) {
                update(next, errors);
                LOG.log(Level.INFO, "link " + id + " floods " + next.flooded() + " again"
                        + (q == null ? ", as configured" : ""));
            }
        }
    }

    /** Quiets the configured links {@code want} names (only taking flooding off: {@link #quietRestore} puts it back). */
    private void quietMore(Map<String, QuietLink> want, List<String> errors) {
        Map<String, LinkSpec> present = new java.util.HashMap<>();
        dp.links().forEach(l -> present.put(l.id(), l));
        for (QuietLink q : want.values()) {
            LinkSpec now = present.get(q.link());
            if (now == null) {
                errors.add("quiet link " + q.link() + ": the data plane has no such link");
                continue;
            }
            configured.putIfAbsent(q.link(), now); // as configured: the first time it is quieted
            LinkSpec next = now.withoutFlooding(q.networks());
            if (!next.equals(now)) {
                update(next, errors);
                LOG.log(Level.INFO, "link " + q.link() + " no longer floods networks " + q.networks()
                        + " (the manager moved their flooding trees); it floods " + next.flooded());
            }
            quiet.put(q.link(), q);
        }
    }

    private void update(LinkSpec spec, List<String> errors) {
        try {
            dp.updateLink(spec);
        } catch (IllegalArgumentException e) {
            errors.add("link " + spec.id() + ": " + e.getMessage());
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        ObjectNode o = Json.object().put("generation", generation);
        o.setAll(Json.writeState(List.copyOf(links.values()), List.copyOf(rules.values()), List.copyOf(quiet.values())));
        try {
            DurableFile.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot save the desired state to " + file + ": " + e.getMessage());
        }
    }
}
