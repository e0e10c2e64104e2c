package io.vnet.libvirt;

import io.vnet.api.MacAddress;
import io.vnet.api.NetworkId;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a libvirt domain's XML ({@code virsh dumpxml}, a hook's standard input, or what CloudStack's
 * KVM agent generates) into a {@link DomainInfo}.
 *
 * <p>The parser is the JDK's DOM parser, locked down: a document with a DOCTYPE is refused, and no
 * external entity, DTD or schema is ever loaded.
 *
 * <p>NICs are the {@code <interface>} children of {@code <devices>} (interfaces elsewhere, e.g. in
 * {@code <metadata>}, are not NICs), in document order. Every {@code <devices>} element counts: the
 * XML CloudStack's KVM agent generates has two (an early one holding only the memory balloon). A NIC without a {@code <mac>} is skipped: libvirt assigns a MAC
 * to every NIC when it parses a definition, so the XML of a defined or running domain always has
 * one; only XML written by hand and not yet given to libvirt can lack it, and such a NIC has no
 * identity VNET could use yet. A {@code <mac>} whose address is missing or malformed is an error.
 */
public final class DomainXml {
    private static final Pattern UUID_HEX = Pattern.compile("[0-9a-fA-F]{32}");

    private DomainXml() {
    }

    /**
     * Parses a domain's XML.
     *
     * @throws IllegalArgumentException naming what is wrong: not XML, a DOCTYPE, not a
     *                                  {@code <domain>}, no or a malformed UUID, no name, or a
     *                                  NIC without a type or with a malformed MAC address
     */
    public static DomainInfo parse(String xml) {
        Element domain = root(xml);
        String name = childText(domain, "name");
        String rawUuid = childText(domain, "uuid");
        String who = name != null ? "domain '" + name + "'" : "domain";
        if (rawUuid == null) {
            throw new IllegalArgumentException(who + ": no <uuid> element");
        }
        String uuid = canonicalUuid(rawUuid, who);
        if (name == null) {
            throw new IllegalArgumentException("domain " + uuid + ": no <name> element");
        }
        return new DomainInfo(uuid, name, nics(domain, "domain '" + name + "'"));
    }

    /**
     * The VNI named by a bridge called {@code prefix} followed by the VNI in decimal, e.g. 123 for
     * ("vnbr123", "vnbr"). Empty for any other name: another prefix, no digits, a leading zero, or a
     * number outside 1..16777215.
     *
     * @throws IllegalArgumentException if {@code prefix} is null or empty
     */
    public static OptionalInt bridgeVni(String bridge, String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("bridge prefix must not be empty");
        }
        if (bridge == null || !bridge.startsWith(prefix)) {
            return OptionalInt.empty();
        }
        String digits = bridge.substring(prefix.length());
        if (digits.isEmpty() || digits.length() > 8 || digits.charAt(0) == '0') {
            return OptionalInt.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalInt.empty();
            }
        }
        int vni = Integer.parseInt(digits);
        return vni <= NetworkId.MAX_VNI ? OptionalInt.of(vni) : OptionalInt.empty();
    }

    private static Element root(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new IllegalArgumentException("domain XML is empty");
        }
        Document doc;
        try {
            DocumentBuilder builder = secureFactory().newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // no stderr chatter; errors still throw
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entity " + systemId + " refused");
            });
            doc = builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXParseException e) {
            throw new IllegalArgumentException("domain XML is not acceptable at line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + ": " + e.getMessage(), e);
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("domain XML is not acceptable: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("this JDK's XML parser cannot be locked down: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!"domain".equals(local(root))) {
            throw new IllegalArgumentException("not a libvirt domain: the root element is <" + root.getTagName()
                    + ">, expected <domain>");
        }
        return root;
    }

    /** The JDK's DOM parser with DOCTYPEs, external entities, DTDs, schemas and XInclude off. */
    static DocumentBuilderFactory secureFactory() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setNamespaceAware(true);
        return f;
    }

    private static List<Nic> nics(Element domain, String who) {
        List<Nic> nics = new ArrayList<>();
        int index = 0;
        for (Element devices : children(domain, "devices")) {
            for (Element iface : children(devices, "interface")) {
                Nic nic = nic(iface, who + ", interface #" + index);
                index++;
                if (nic != null) {
                    nics.add(nic);
                }
            }
        }
        return nics;
    }

    /** One NIC, or null for a NIC that has no {@code <mac>} yet (see the class comment). */
    private static Nic nic(Element iface, String where) {
        String type = attr(iface, "type");
        if (type == null) {
            throw new IllegalArgumentException(where + ": no type attribute (expected bridge, network, ethernet, ...)");
        }
        Element macElement = child(iface, "mac");
        if (macElement == null) {
            return null;
        }
        String address = attr(macElement, "address");
        if (address == null) {
            throw new IllegalArgumentException(where + " (type " + type + "): <mac> has no address attribute");
        }
        MacAddress mac;
        try {
            mac = MacAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " (type " + type + "): " + e.getMessage(), e);
        }
        String sourceBridge = "bridge".equals(type) ? childAttr(iface, "source", "bridge") : null;
        return new Nic(mac, type, sourceBridge, childAttr(iface, "target", "dev"), childAttr(iface, "model", "type"));
    }

    private static String canonicalUuid(String raw, String who) {
        String hex = raw.trim().replace("-", "");
        boolean hyphensWhereExpected = raw.trim().length() == 32 || raw.trim().matches(
                "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");
        if (!UUID_HEX.matcher(hex).matches() || !hyphensWhereExpected) {
            throw new IllegalArgumentException(who + ": invalid <uuid> '" + raw.trim()
                    + "': expected 32 hex digits like 6f1c8a52-4d2e-4b7a-9f3c-2a1d5e8b7c90");
        }
        String h = hex.toLowerCase(Locale.ROOT);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    private static String local(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(local(e))) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(local(e))) {
                found.add(e);
            }
        }
        return found;
    }

    private static String childText(Element parent, String name) {
        Element e = child(parent, name);
        if (e == null) {
            return null;
        }
        String text = e.getTextContent().trim();
        return text.isEmpty() ? null : text;
    }

    private static String childAttr(Element parent, String child, String attr) {
        Element e = child(parent, child);
        return e == null ? null : attr(e, attr);
    }

    private static String attr(Element e, String name) {
        String v = e.getAttribute(name);
        return v.isEmpty() ? null : v;
    }
}
