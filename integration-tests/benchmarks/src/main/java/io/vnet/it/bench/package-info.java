/** Benchmarks on the namespace test fabric; each prints its figures and the exact setup. */
package io.vnet.it.bench;
