/** The JDBC implementation of the store, its Flyway migrations and its DS component. Private. */
package io.vnet.manager.store.impl;
