package io.vnet.manager.cloudstack.impl;

import java.time.Instant;

/**
 * An event from listEvents.
 *
 * @param state        Created, Scheduled, Started or Completed
 * @param resourceId   the uuid of the resource acted on (CloudStack 4.17 and later; else null)
 * @param resourceType e.g. VirtualMachine (4.17 and later; else null)
 */
public record CsEvent(String id, String type, String state, String resourceId, String resourceType, Instant created,
                      String description) {
}
