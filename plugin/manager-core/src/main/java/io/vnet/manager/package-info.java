/**
 * The manager's services, one interface per concern: {@link io.vnet.manager.AgentRegistry}
 * (which agents are connected, their networks and VMs), {@link
 * io.vnet.manager.DesiredStateService} (the links and rules each agent should have, pushed
 * with a generation number), {@link io.vnet.manager.TopologyService} (VTTIF's view of each
 * network), {@link io.vnet.manager.AdaptationService} (VADAPT's closed loop), {@link
 * io.vnet.manager.AuditLog}, {@link io.vnet.manager.Recorder} (what the manager keeps), and the
 * extension points {@link io.vnet.manager.TrafficListener} (whoever consumes the agents' traffic
 * reports) and {@link io.vnet.manager.MigrationExecutor} (whoever moves VMs). Each is
 * implemented in a package of its own: {@code agents}, {@code vttif}, {@code adapt}, {@code
 * records}; the configuration service is {@link io.vnet.manager.config}.
 */
@Export
@Version("2.0.0")
package io.vnet.manager;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
