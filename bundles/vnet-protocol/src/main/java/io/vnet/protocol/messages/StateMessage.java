package io.vnet.protocol.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vnet.api.ForwardingRule;
import io.vnet.api.LinkSpec;
import io.vnet.api.QuietLink;
import io.vnet.protocol.Json;
import io.vnet.protocol.ManagerProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * Manager → agent {@value ManagerProtocol#STATE}: the whole managed part of the agent's state,
 * {@code generation, links[], rules[]} and, where the manager moved a network's flooding tree off
 * links of the agent's configuration file, {@code quiet[]} ({@link QuietLink}); the agent
 * reconciles to it and answers {@link Ack}. The agent keeps the same document (without
 * {@code type}) in its state file.
 */
public record StateMessage(long generation, List<LinkSpec> links, List<ForwardingRule> rules, List<QuietLink> quiet)
        implements ManagerMessage {
    public StateMessage {
        links = List.copyOf(links);
        rules = List.copyOf(rules);
        quiet = List.copyOf(quiet);
    }

    public StateMessage(long generation, List<LinkSpec> links, List<ForwardingRule> rules) {
        this(generation, links, rules, List.of());
    }

    @Override
    public String type() {
        return ManagerProtocol.STATE;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode m = Json.object().put("type", type()).put("generation", generation);
        m.setAll(Json.writeState(links, rules, quiet));
        return m;
    }

    /**
     * Reads it strictly.
     *
     * @throws IllegalArgumentException the first entry that is not valid, named ("links[2]: ...")
     */
    public static StateMessage read(JsonNode msg) {
        Lenient r = readLenient(msg);
        if (!r.errors().isEmpty()) {
            throw new IllegalArgumentException(r.errors().get(0));
        }
        return r.valid();
    }

    /** An entry of a list, with its index there; {@code value} null when it was not valid ({@code error}). */
    public record Entry<T>(int index, T value, String error) {
    }

    /**
     * What an agent takes of a state document: every entry with its index, the valid ones parsed
     * and the others with their error; {@code refused} (and its error) when {@code links} or
     * {@code rules} is not an array, which refuses the document whole.
     *
     * @param generation the document's generation (-1 when it has none)
     */
    public record Lenient(long generation, List<Entry<LinkSpec>> links, List<Entry<ForwardingRule>> rules,
                          List<Entry<QuietLink>> quiet, boolean refused, List<String> errors) implements ManagerMessage {
        @Override
        public String type() {
            return ManagerProtocol.STATE;
        }

        /** The valid entries as a {@link StateMessage}. */
        public StateMessage valid() {
            return new StateMessage(generation, links.stream().filter(e -> e.value() != null).map(Entry::value).toList(),
                    rules.stream().filter(e -> e.value() != null).map(Entry::value).toList(),
                    quiet.stream().filter(e -> e.value() != null).map(Entry::value).toList());
        }

        @Override
        public ObjectNode toJson() {
            return valid().toJson();
        }
    }

    /** Reads a state document as an agent applies it: each entry on its own. */
    public static Lenient readLenient(JsonNode doc) {
        long gen = doc.path("generation").asLong(-1);
        JsonNode ls = doc.path("links");
        JsonNode rs = doc.path("rules");
        JsonNode qs = doc.path("quiet");
        try {
            Json.requireArray(ls, "links");
            Json.requireArray(rs, "rules");
            Json.requireQuiet(qs, "quiet");
        } catch (IllegalArgumentException e) {
            return new Lenient(gen, List.of(), List.of(), List.of(), true, List.of(e.getMessage()));
        }
        List<String> errors = new ArrayList<>();
        List<Entry<LinkSpec>> links = entries(ls, "links", Json::link, errors);
        List<Entry<ForwardingRule>> rules = entries(rs, "rules", Json::rule, errors);
        List<Entry<QuietLink>> quiet = entries(qs, "quiet", Json::quiet, errors);
        return new Lenient(gen, links, rules, quiet, false, List.copyOf(errors));
    }

    /** Each entry of {@code array} read on its own by {@code read}; a bad one keeps its error, also added to {@code errors}. */
    private static <T> List<Entry<T>> entries(JsonNode array, String field,
                                              java.util.function.BiFunction<JsonNode, String, T> read, List<String> errors) {
        List<Entry<T>> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            try {
                out.add(new Entry<>(i, read.apply(array.get(i), field + "[" + i + "]"), null));
            } catch (IllegalArgumentException e) {
                out.add(new Entry<>(i, null, e.getMessage()));
                errors.add(e.getMessage());
            }
        }
        return List.copyOf(out);
    }
}
