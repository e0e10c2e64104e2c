package io.vnet.manager.rest.impl;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.fuzz.Fuzzing;
import io.vnet.fuzz.Rejections;
import io.vnet.manager.AdaptationService;
import io.vnet.manager.DesiredState;
import io.vnet.manager.DesiredStateService;
import io.vnet.manager.rest.Identity;
import io.vnet.manager.store.ManagerStore;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.BeforeAll;

/**
 * The REST API's request bodies as the servlet reads them ({@link ApiServlet#body}) and
 * {@link Api#put} parses them: a host's desired state ({@code links, rules}) and a network's
 * adaptation settings, from an admin and from a tenant. A bad body is refused only as the servlet
 * answers a client error: an {@link ApiError} with a 4xx status, or an
 * {@link IllegalArgumentException} (400); anything else would be a 500 or worse.
 */
@Fuzzing
class ApiBodyFuzzTest {
    private static final Identity ADMIN = new Identity("admin", true, "", "", Set.of(), "local");
    private static final Identity TENANT = new Identity("alice", false, "", "", Set.of(100), "cloudstack");
    private static Api api;

    @BeforeAll
    static void setUp() {
        api = new Api(stub(ManagerStore.class), null, desired(), adaptation(), null, null);
    }

    @FuzzTest
    @DictionaryEntries({"\"links\"", "\"rules\"", "\"id\"", "\"peer\"", "\"connect\"", "\"flood\"", "\"vnis\"",
            "\"transport\"", "\"vni\"", "\"src\"", "\"dst\"", "\"to\"", "\"mode\"", "\"algorithm\"", "\"migrate\"",
            "\"maxMigrationsPerHour\"", "\"automatic\"", "\"recommend\"", "\"off\"", "\"greedy\""})
    void put(FuzzedDataProvider data) {
        String path = data.pickValue(new String[] {"/hosts/kvm-1/desired-state", "/networks/100/adaptation",
                "/networks/7/adaptation", "/hosts//desired-state"});
        Identity who = data.consumeBoolean() ? ADMIN : TENANT;
        byte[] body = data.consumeRemainingAsBytes();
        Rejections.only(ApiError.class, () -> {
            try {
                JsonNode doc = ApiServlet.body(request(body), 64 << 10);
                return Rejections.onlyIllegalArgument(() -> api.put(path, doc, who));
            } catch (ApiError e) {
                if (e.status < 400 || e.status > 499) {
                    throw new AssertionError("a body answered " + e.status + ": " + e.getMessage(), e);
                }
                throw e;
            }
        });
    }

    /** A request whose body is {@code body}, its length undeclared. */
    private static HttpServletRequest request(byte[] body) {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        ServletInputStream stream = new ServletInputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        return (HttpServletRequest) Proxy.newProxyInstance(ApiBodyFuzzTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getContentLengthLong" -> -1L;
                    case "getInputStream" -> stream;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static DesiredStateService desired() {
        return new DesiredStateService() {
            @Override
            public DesiredState set(String hostId, List<io.vnet.api.LinkSpec> links, List<io.vnet.api.ForwardingRule> rules) {
                return new DesiredState(hostId, 1, links, rules);
            }

            @Override
            public Optional<DesiredState> get(String hostId) {
                return Optional.empty();
            }
        };
    }

    private static AdaptationService adaptation() {
        return (AdaptationService) Proxy.newProxyInstance(ApiBodyFuzzTest.class.getClassLoader(),
                new Class<?>[] {AdaptationService.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "settings" -> AdaptationService.Settings.defaults();
                    case "configure" -> args[1];
                    case "decisions" -> List.of();
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(ApiBodyFuzzTest.class.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    throw new UnsupportedOperationException(m.getName());
                }));
    }
}
