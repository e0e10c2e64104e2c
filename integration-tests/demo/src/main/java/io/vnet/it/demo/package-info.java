/**
 * The local demo that {@code scripts/demo.sh} runs ({@link io.vnet.it.demo.Demo}): the data plane
 * between two hosts, the manager inferring the patterns' topologies, the closed loop adapting the
 * overlay ({@link io.vnet.it.demo.AdaptationDemo}) and a cloud VM joining the home network through
 * the proxy ({@link io.vnet.it.demo.HomeNetworkDemo}), on test hosts made of network namespaces.
 */
package io.vnet.it.demo;
