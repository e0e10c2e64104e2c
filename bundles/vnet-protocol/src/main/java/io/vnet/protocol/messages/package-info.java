/**
 * The agent–manager messages as records, one per message type, each with the JSON it is on the
 * wire ({@code toJson}) and the reader of that JSON ({@code read}); {@link
 * io.vnet.protocol.messages.AgentMessage#read} and {@link
 * io.vnet.protocol.messages.ManagerMessage#read} choose by {@code type}. The framing is {@link
 * io.vnet.protocol.ManagerProtocol}'s. A reader refuses what the receiver could not act on (a bad
 * address or network) with an {@link IllegalArgumentException}, and skips and counts entries of
 * lists it can do without (a bad pair of a report, a bad VM registration).
 */
@Export
@Version("2.0.0")
package io.vnet.protocol.messages;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
