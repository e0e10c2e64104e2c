/**
 * VTTIF in the manager, one concern: every agent report becomes traffic samples per network,
 * which the engine of bundle {@code vttif} smooths, infers and classifies ({@code VttifService},
 * offered as {@link io.vnet.manager.TopologyService} and as a {@link
 * io.vnet.manager.TrafficListener}); changes and matrices go to the {@link
 * io.vnet.manager.Recorder}. Set by the file's {@code vttif} field ({@code VttifSettings}).
 */
package io.vnet.manager.vttif;
