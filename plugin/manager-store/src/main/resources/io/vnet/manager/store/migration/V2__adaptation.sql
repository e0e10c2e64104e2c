-- VNET manager schema, version 2: VADAPT's closed loop. Portable between H2 2.x and PostgreSQL 12+.

-- The closed loop's settings per network (mode, algorithm, migrations), as a JSON document.
CREATE TABLE adaptation_setting (
    vni        INTEGER NOT NULL PRIMARY KEY,
    document   TEXT    NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Every decision of the loop (a JSON document: trigger, recommendation, applied, realised gain),
-- numbered per network; rewritten when its realised gain is measured.
CREATE TABLE adaptation_decision (
    vni      INTEGER NOT NULL,
    id       BIGINT  NOT NULL,
    at_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    document TEXT    NOT NULL,
    PRIMARY KEY (vni, id)
);

-- The audit log of control calls: who changed what, when.
CREATE TABLE audit_log (
    id      BIGINT       NOT NULL PRIMARY KEY,
    at_time TIMESTAMP WITH TIME ZONE NOT NULL,
    actor   VARCHAR(64)  NOT NULL,
    action  VARCHAR(64)  NOT NULL,
    target  VARCHAR(255) NOT NULL,
    detail  TEXT         NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at_time);
