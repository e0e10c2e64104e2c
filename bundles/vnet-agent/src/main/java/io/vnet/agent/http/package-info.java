/**
 * The agent's small HTTP endpoint for operators: {@code /metrics} (Prometheus), {@code /healthz}
 * and {@code /readyz}. {@link io.vnet.agent.http.HttpEndpoint} serves fixed paths from suppliers,
 * on a thread of its own at normal priority, never on the forwarding loops; it is bounded
 * (connections, request size, idle time) and counts what it refused.
 */
package io.vnet.agent.http;
