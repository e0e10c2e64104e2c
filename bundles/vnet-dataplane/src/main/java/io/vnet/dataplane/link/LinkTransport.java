package io.vnet.dataplane.link;

import io.vnet.api.LinkSpec;
import java.util.List;

/**
 * What makes and keeps the links of one kind: {@link Links} for TCP and TLS, {@link VxlanLinks}
 * for VXLAN datagrams. The data plane picks one by {@link LinkSpec#isVxlan()} when a link is
 * added and otherwise treats every link alike.
 */
public interface LinkTransport {
    /** Makes the link (not yet sending); refuses a link id or peer this transport already has. */
    OverlayLink add(LinkSpec spec);

    /** Starts the link once the forwarder knows it (dials, where it dials). */
    default void open(OverlayLink link) {
    }

    /** Closes and forgets the link; null if there is none of that id. */
    OverlayLink remove(String id);

    OverlayLink get(String id);

    /** Every link, by id. */
    List<? extends OverlayLink> all();
}
