-- Version 1: the job list and where it came from.
-- kind: 1 project_user, 2 db_user. state: 0 pending, 1 in_flight,
-- 2 retry_wait, 3 done, 4 absent, 5 failed (src/job.h; never renumber).
CREATE TABLE loads (
    id          INTEGER PRIMARY KEY,
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER NOT NULL DEFAULT 0,
    duplicates  INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    loaded_at   TEXT NOT NULL
);

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          INTEGER NOT NULL CHECK (kind IN (1, 2)),
    group_id      TEXT NOT NULL,
    -- user_id for a project user; database_name ':' username for a db user
    target        TEXT NOT NULL,
    ticket        TEXT,
    state         INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 5),
    attempts      INTEGER NOT NULL DEFAULT 0,
    tries         INTEGER NOT NULL DEFAULT 0,
    http_status   INTEGER,
    error_code    TEXT,
    detail        TEXT,
    not_before    INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT,
    load_id       INTEGER NOT NULL REFERENCES loads(id),
    source_line   INTEGER NOT NULL,
    UNIQUE (group_id, target, kind)
);

-- The audit log's head: the last record's seq and SHA-256, so that a
-- truncated log is detectable (SPEC section 9).
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
