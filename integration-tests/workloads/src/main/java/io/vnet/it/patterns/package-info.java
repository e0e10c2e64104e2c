/**
 * The patterns workload: a BSP benchmark with one {@link io.vnet.it.patterns.Rank} per VM
 * over TCP. Each iteration computes for a set time, exchanges messages of a set size with the
 * neighbours of a {@link io.vnet.it.patterns.Pattern} (ring, 2-D mesh, 2-D torus, all-to-all,
 * binary-tree reduction, binomial broadcast) and meets at a barrier through rank 0, which
 * also switches the pattern on a {@link io.vnet.it.patterns.Schedule}.
 * {@link io.vnet.it.patterns.Patterns} launches it on a test fabric, from a test or as one
 * command.
 *
 * <p>Traffic per iteration, for n ranks and messages of M bytes: M + 13 bytes (a header) on
 * every directed edge of the pattern, plus the barrier, 13 bytes from every rank i > 0 to rank
 * 0 and 13 bytes back (2(n-1) messages in all; on Ethernet with TCP timestamps each is one
 * frame of about 79 bytes, plus the ACKs). Connections are opened once, before the first
 * iteration, between the ranks that are neighbours in any scheduled pattern and between rank
 * 0 and every rank; idle connections send nothing.
 */
package io.vnet.it.patterns;
