-- VNET manager schema, version 8: the REST API's sign-in sessions, so that every manager of a cluster accepts a
-- token any of them gave (issue 21). A session is kept as the SHA-256 of its token, never the token; identity is
-- the signed-in user as JSON (name, admin, account, domain, networks, source). Portable between H2 2.x and
-- PostgreSQL 12+.
CREATE TABLE api_session (
    token_hash VARCHAR(64)   NOT NULL PRIMARY KEY,
    identity   VARCHAR(8192) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX api_session_by_expiry ON api_session (expires_at);
