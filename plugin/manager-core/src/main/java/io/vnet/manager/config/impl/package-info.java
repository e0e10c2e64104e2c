/** The configuration service: reads the manager's file once and checks that an installed bundle owns each field. */
package io.vnet.manager.config.impl;
