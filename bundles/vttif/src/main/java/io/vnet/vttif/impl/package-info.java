/**
 * VTTIF's implementation, private to the bundle: the sliding traffic window, the structural
 * shape recogniser and classifier, and the change tracker behind {@link io.vnet.vttif.Vttif}.
 */
package io.vnet.vttif.impl;
