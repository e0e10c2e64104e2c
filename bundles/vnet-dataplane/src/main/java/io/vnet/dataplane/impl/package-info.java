/** Assembly of the data plane (event loops, links, interfaces, forwarder) and its OSGi component. */
package io.vnet.dataplane.impl;
