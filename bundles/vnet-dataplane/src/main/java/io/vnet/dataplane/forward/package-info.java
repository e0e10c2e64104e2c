/**
 * Forward: the step between receiving a frame and sending it. Rules first (most specific
 * wins), then learned MAC addresses, then flooding along flooding ports with split horizon.
 * The hot path reads immutable snapshots and takes no lock.
 */
package io.vnet.dataplane.forward;
