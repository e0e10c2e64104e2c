package io.vnet.manager.cloudstack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vnet.manager.cloudstack.impl.CloudStackClient;
import io.vnet.manager.cloudstack.impl.CsOffering;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vnet-cloudstack setup}: makes the L2 network offering "Home Network (VNET)" (or finds the
 * one made before), and prints what the administrator does next: the physical network's tag and
 * KVM traffic label, the webhook to create, and enabling the offering once the hosts are ready.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = "Create the \"Home Network (VNET)\" L2 network offering (once) and print the remaining steps.")
final class SetupCommand implements Callable<Integer> {
    @Mixin
    ConnectionMixin connection;

    @Option(names = "--zone", description = "make the offering available in this zone only (name or id)")
    String zone;

    @Option(names = "--offering-name", defaultValue = "Home Network (VNET)",
            description = "the offering's name (the manager's cloudstack.offeringName; default: ${DEFAULT-VALUE})")
    String offeringName;

    @Option(names = "--tag", defaultValue = "vnet",
            description = "the network tag that puts Home Networks on VNET's physical network (default: ${DEFAULT-VALUE})")
    String tag;

    @Option(names = "--traffic-label", defaultValue = "cloudbr-vnet",
            description = "the KVM traffic label (a bridge on every KVM host) to print (default: ${DEFAULT-VALUE})")
    String trafficLabel;

    @Option(names = "--manager-url", description = "the VNET manager's URL as CloudStack reaches it"
            + " (default: http://<this host>:8470)")
    String managerUrl;

    @Option(names = "--webhook-secret", description = "the webhook's secret key (default: a new random one)")
    String webhookSecret;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CloudStackClient cs = connection.options.client();
        String zoneId = zone == null ? null : zoneId(cs);
        Optional<CsOffering> existing = cs.listNetworkOfferings(offeringName).stream()
                .filter(o -> offeringName.equals(o.name())).findFirst();
        CsOffering offering;
        if (existing.isPresent()) {
            offering = existing.get();
            out.println("Network offering \"" + offeringName + "\" exists: " + offering.id() + " (" + offering.state() + ")");
            if (!"L2".equalsIgnoreCase(offering.guestIpType())) {
                out.println("  WARNING: its guest IP type is " + offering.guestIpType() + ", not L2");
            }
        } else {
            offering = cs.createNetworkOffering(offeringParams(zoneId));
            out.println("Network offering \"" + offeringName + "\" created: " + offering.id() + " (" + offering.state() + ")");
        }
        out.println("offering id: " + offering.id());
        String manager = managerUrl != null ? managerUrl.replaceAll("/+$", "") : "http://" + localHost() + ":8470";
        String secret = webhookSecret != null ? webhookSecret : randomSecret();
        out.println();
        out.println("Next steps:");
        out.println("1. Physical network: in " + (zone == null ? "each zone that offers Home Networks" : "zone " + zone)
                + ", give a physical network (isolation VLAN) the tag \"" + tag + "\" and a Guest traffic type whose"
                + " KVM traffic label is \"" + trafficLabel + "\":");
        out.println("     updatePhysicalNetwork id=<physical network id> tags=" + tag);
        out.println("     updateTrafficType id=<guest traffic type id> kvmnetworklabel=" + trafficLabel);
        out.println("   On every KVM host, create the empty bridge " + trafficLabel + "; the VNET host hook moves each Home"
                + " Network NIC from it onto its network's VNET bridge.");
        out.println("2. Webhook (CloudStack 4.20+; older: set cloudstack.events to \"poll\" instead):");
        out.println("     createWebhook name=vnet-manager scope=Global payloadurl=" + manager + "/api/cloudstack/webhook"
                + " secretkey=" + secret + " sslverification=" + manager.startsWith("https:"));
        out.println("   and in the manager's configuration: \"cloudstack\": {\"webhookSecret\": \"" + secret + "\", ...}");
        if (!"Enabled".equalsIgnoreCase(offering.state())) {
            out.println("3. Once the hosts run VNET and its hook, enable the offering:");
            out.println("     updateNetworkOffering id=" + offering.id() + " state=Enabled");
        } else {
            out.println("3. The offering is enabled.");
        }
        return 0;
    }

    /** The parameters of an L2 guest offering without services: CloudStack gives the network a VLAN, VNET its VNI. */
    Map<String, String> offeringParams(String zoneId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", offeringName);
        p.put("displaytext", offeringName);
        p.put("guestiptype", "L2");
        p.put("traffictype", "GUEST");
        p.put("specifyvlan", "false");
        p.put("availability", "Optional");
        p.put("tags", tag);
        if (zoneId != null) {
            p.put("zoneid", zoneId);
        }
        return p;
    }

    private String zoneId(CloudStackClient cs) throws Exception {
        for (JsonNode z : cs.call("listZones", Map.of()).path("zone")) {
            if (zone.equals(z.path("id").asText()) || zone.equals(z.path("name").asText())) {
                return z.path("id").asText();
            }
        }
        throw new ParameterException(spec.commandLine(), "--zone: CloudStack has no zone named or with id '" + zone + "'");
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String randomSecret() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
