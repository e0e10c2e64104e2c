/** The API servlet and its JSON mapping. Private. */
package io.vnet.manager.rest.impl;
