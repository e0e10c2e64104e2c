package io.vnet.manager.cloudstack.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiSignerTest {
    /**
     * The example of CloudStack's developer guide, "How to sign an API call with Python"
     * (https://docs.cloudstack.apache.org/en/latest/developersguide/dev.html, source
     * apache/cloudstack-documentation source/developersguide/dev.rst): listUsers with this API key
     * and secret key signs to TTpdDq/7j/J58XCRHomKoQXEQds=.
     */
    @Test
    void signsTheDocumentedExample() {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("command", "listUsers");
        request.put("response", "json");
        request.put("apikey", "plgWJfZK4gyS3mOMTVmjUVg-X-jlWlnfaUJ9GAbBbf9EdM-kAYMmAiLqzzq1ElZLYq_u38zCm0bewzGUdP66mg");
        String secret = "VDaACYb0LV9eNjTetIOElcVQkvJck_J_QljX_FcHRj87ZKiy0z0ty0ZsYBkoXkY9b7eq1EhwJaw7FF3akA3KBQ";
        assertEquals("apikey=plgwjfzk4gys3momtvmjuvg-x-jlwlnfauj9gabbbf9edm-kaymmailqzzq1elzlyq_u38zcm0bewzgudp66mg"
                + "&command=listusers&response=json", ApiSigner.canonical(request), "the documented sig_str");
        assertEquals("TTpdDq/7j/J58XCRHomKoQXEQds=", new ApiSigner(secret).sign(request));
    }

    /** The guide's other example: the sorted, lower-cased command string of a deployVirtualMachine request. */
    @Test
    void sortsAndLowerCasesLikeTheGuide() {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("command", "deployVirtualMachine");
        request.put("serviceOfferingId", "1");
        request.put("diskOfferingId", "1");
        request.put("templateId", "2");
        request.put("zoneId", "4");
        request.put("apiKey", "miVr6X7u6bN_sdahOBpjNejPgEsT35eXq-jB8CG20YI3yaxXcgpyuaIRmFI_EJTVwZ0nUkkJbPmY3y2bciKwFQ");
        request.put("signature", "ignored");
        assertEquals("apikey=mivr6x7u6bn_sdahobpjnejpgest35exq-jb8cg20yi3yaxxcgpyuairmfi_ejtvwz0nukkjbpmy3y2bcikwfq"
                + "&command=deployvirtualmachine&diskofferingid=1&serviceofferingid=1&templateid=2&zoneid=4",
                ApiSigner.canonical(request));
    }

    @Test
    void encodesSpacesAsPercent20AndReservedCharacters() {
        assertEquals("name=home%20network%20%28vnet%29&x=a%2fb%3d", ApiSigner.canonical(
                new LinkedHashMap<>(Map.of("x", "a/b=", "name", "Home Network (VNET)"))));
        assertEquals("Home%20Network%20%28VNET%29", ApiSigner.encode("Home Network (VNET)"));
        assertThrows(IllegalArgumentException.class, () -> new ApiSigner(""));
    }
}
