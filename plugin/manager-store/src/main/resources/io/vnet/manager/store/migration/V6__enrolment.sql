-- VNET manager schema, version 6: one-time enrolment tokens (issue 20). A token is kept as the SHA-256 of its
-- secret, never the secret; used_at is set once, by the enrolment that spends it. Portable between H2 2.x and
-- PostgreSQL 12+.
CREATE TABLE enrolment (
    id          VARCHAR(32)  NOT NULL PRIMARY KEY,
    host_id     VARCHAR(64)  NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    tenant      VARCHAR(64),
    secret_hash VARCHAR(64)  NOT NULL,
    created_by  VARCHAR(256) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX enrolment_by_expiry ON enrolment (expires_at);
