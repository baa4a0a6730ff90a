-- Version 2: runs and their attempts.
-- (The engine's index of open jobs, jobs_open, is created by the first `run`,
-- not here: bulk loads are much faster without a second index to maintain.)
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    exit_code   INTEGER,
    options     TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE attempts (
    id           INTEGER PRIMARY KEY,
    job_id       INTEGER NOT NULL REFERENCES jobs(id),
    run_id       INTEGER NOT NULL REFERENCES runs(id),
    attempt      INTEGER NOT NULL,
    started_at   TEXT NOT NULL,
    ms           INTEGER NOT NULL,
    http_status  INTEGER,
    error_code   TEXT,
    outcome      TEXT NOT NULL
);
CREATE INDEX attempts_job ON attempts (job_id);
