-- Staff from Discord. A Discord role of a bound server can carry a course role (@TA → ta): whoever
-- has it is that course's TA while they have it. Each enrollment records where its role came from,
-- so losing the Discord role takes back only a role that role gave ('discord_role'), never one
-- given by hand (an instructor's /course staff add, the operator's CLI: 'hand').

CREATE TABLE course_role_maps (
    guild_id TEXT NOT NULL CHECK (length(guild_id) BETWEEN 1 AND 32),
    discord_role_id TEXT NOT NULL CHECK (length(discord_role_id) BETWEEN 1 AND 32),
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('ta', 'instructor')),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (guild_id, discord_role_id)
);
CREATE INDEX course_role_maps_course_id ON course_role_maps (course_id);

ALTER TABLE enrollments ADD COLUMN role_source TEXT NOT NULL DEFAULT 'hand'
    CHECK (role_source IN ('hand', 'discord_role'));
