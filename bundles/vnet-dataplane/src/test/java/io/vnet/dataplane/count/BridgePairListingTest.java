package io.vnet.dataplane.count;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vnet.api.MacAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the same-host pair counters from one {@code nft -j list table} (as nft 1.0.6 prints it). */
class BridgePairListingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bothSetsAreReadFromTheTableListingWithWholeFrameBytes() throws Exception {
        String listing = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
              {"table": {"family": "bridge", "name": "vnet_pairs", "handle": 1}},
              {"set": {"family": "bridge", "name": "pairs", "table": "vnet_pairs", "handle": 1, "elem": [
                {"elem": {"val": {"concat": ["vx1", "02:00:00:00:00:01", "02:00:00:00:00:02"]},
                          "counter": {"packets": 3, "bytes": 100}}}]}},
              {"set": {"family": "bridge", "name": "overlay", "table": "vnet_pairs", "handle": 2, "elem": [
                {"elem": {"val": {"concat": ["vx2", "02:00:00:00:00:02", "02:00:00:00:00:01"]},
                          "counter": {"packets": 1, "bytes": 60}}}]}},
              {"set": {"family": "bridge", "name": "taps", "table": "vnet_pairs", "handle": 3, "elem": ["vnet300"]}}]}
            """;
        List<BridgePairCounter.Entry> e = BridgePairCounter.entries(JSON.readTree(listing));
        assertEquals(List.of(
                new BridgePairCounter.Entry("vx1", MacAddress.parse("02:00:00:00:00:01").bits(),
                        MacAddress.parse("02:00:00:00:00:02").bits(), 3, 100 + 3 * 14, false),
                new BridgePairCounter.Entry("vx2", MacAddress.parse("02:00:00:00:00:02").bits(),
                        MacAddress.parse("02:00:00:00:00:01").bits(), 1, 60 + 14, true)), e);
    }

    @Test
    void elementsThatAreNoPairAreSkipped() throws Exception {
        String listing = """
            {"nftables": [{"set": {"name": "pairs", "elem": [
                {"elem": {"val": {"concat": ["vx1", "not a mac", "02:00:00:00:00:02"]}, "counter": {"packets": 1}}},
                {"elem": {"val": {"concat": ["vx1", "02:00:00:00:00:01"]}}},
                {"elem": {"val": "vx1"}}, 7, null]}}, "garbage", {"set": 3}]}
            """;
        assertEquals(List.of(), BridgePairCounter.entries(JSON.readTree(listing)));
        assertEquals(List.of(), BridgePairCounter.entries(JSON.readTree("{}")));
    }
}
