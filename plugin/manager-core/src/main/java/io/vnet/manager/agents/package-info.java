/**
 * The manager's kernel, one concern: the channel agents dial ({@code ChannelServer}: TLS or
 * enrolment tokens, hello, acknowledgements, reports), the registry of agents, their networks and
 * VMs ({@code AgentSessions}, offered as {@link io.vnet.manager.AgentRegistry}), and each host's
 * desired state with its generations ({@code DesiredStates}, offered as {@link
 * io.vnet.manager.DesiredStateService}). {@code AgentsComponent} assembles it; it reaches the
 * other concerns only through {@link io.vnet.manager.TrafficListener} and {@link
 * io.vnet.manager.Recorder}. Start reading at {@code AgentsComponent}, then {@code ChannelServer}.
 */
package io.vnet.manager.agents;
