-- Failed bearer-token attempts, counted per client address and minute: the aggregate record of
-- unknown tokens (one row per client and minute, not one audit entry per request), and what slows
-- a client that keeps guessing. In the database so every process shares the count.

CREATE TABLE auth_failures (
    client TEXT NOT NULL CHECK (length(client) BETWEEN 1 AND 64),
    window_start TIMESTAMPTZ NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    last_reason TEXT NOT NULL CHECK (length(last_reason) BETWEEN 1 AND 64),
    PRIMARY KEY (client, window_start)
);
CREATE INDEX auth_failures_window_start ON auth_failures (window_start);
