/** The agent as an OSGi component: applies the configuration to a data plane and serves the control socket. */
package io.vnet.agent.impl;
