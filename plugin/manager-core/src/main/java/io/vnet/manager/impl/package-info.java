/** The manager's implementations: the agent channel server, the registry, desired state, the OSGi component. */
package io.vnet.manager.impl;
