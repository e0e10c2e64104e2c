-- VNET manager schema, version 5: the history is pruned by time (HistoryStore.pruneHistory, every minute), so
-- the tables it prunes are indexed by time. Portable between H2 2.x and PostgreSQL 12+.
CREATE INDEX traffic_matrix_by_time ON traffic_matrix (at_time);
CREATE INDEX topology_by_time ON topology (at_time);
CREATE INDEX desired_state_by_time ON desired_state (created_at);
