/**
 * Who owns which network: {@code SoloCluster} for a manager alone (it owns every network), {@code LeaseCluster}
 * for managers sharing one PostgreSQL (leases with epochs in the database's {@code network_lease} table, the
 * preferred owner of a network chosen by rendezvous hashing over the live managers), and the component that
 * picks one from the configuration's {@code "cluster"} section.
 */
package io.vnet.manager.cluster;
