/**
 * Prometheus metrics, shared by the agent and the manager: {@link io.vnet.protocol.metrics.Exposition}
 * writes the text exposition format (version 0.0.4) from counters read at scrape time, and {@link
 * io.vnet.protocol.metrics.ProcessMetrics} adds the process's own (memory, CPU, threads, open files).
 * Nothing here keeps state between scrapes: every value is read from the component that owns it.
 */
@Export
@Version("1.0.0")
package io.vnet.protocol.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
