-- Public bot messages that carry a student's words (a public /ask answer is titled with their
-- question; so are its follow-ups): where each was posted, so that forget and /history → Delete
-- can delete them later through the bot's channel API (an interaction's webhook expires after
-- 15 minutes). A row whose conversation is gone — deleted, or its user forgotten from the CLI —
-- names nobody and waits for the bot to take the message down.

CREATE TABLE public_posts (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    guild_id TEXT CHECK (guild_id IS NULL OR length(guild_id) BETWEEN 1 AND 32),
    channel_id TEXT NOT NULL CHECK (length(channel_id) BETWEEN 1 AND 32),
    message_id TEXT NOT NULL CHECK (length(message_id) BETWEEN 1 AND 32),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (channel_id, message_id)
);
CREATE INDEX public_posts_user_id ON public_posts (user_id);
CREATE INDEX public_posts_conversation_id ON public_posts (conversation_id);
