/**
 * The manager's services, one interface per concern: {@link io.vnet.manager.AgentRegistry}
 * (which agents are connected, their networks and VMs), {@link
 * io.vnet.manager.DesiredStateService} (the links and rules each agent should have, pushed
 * with a generation number) and {@link io.vnet.manager.TrafficListener} (whoever consumes the
 * agents' per-pair traffic reports, e.g. VTTIF). Implementations are in {@code impl}.
 */
@Export
@Version("1.1.0")
package io.vnet.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
