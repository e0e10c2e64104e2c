/**
 * The CloudStack integration: the signed API client, the webhook receiver and the listEvents
 * poller, the inventory, the VNI map, the routes under /api/cloudstack, the manager side of the
 * Network Extension and the migration executor; {@code CloudStackComponent} wires them.
 */
package io.vnet.manager.cloudstack.impl;
