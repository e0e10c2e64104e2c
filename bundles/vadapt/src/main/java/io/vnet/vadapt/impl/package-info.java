/**
 * VADAPT's implementation, private to the bundle: the indexed problem, the evaluator (widest-path
 * routing and the objective) and the four algorithms behind {@link io.vnet.vadapt.Adapters}.
 */
package io.vnet.vadapt.impl;
