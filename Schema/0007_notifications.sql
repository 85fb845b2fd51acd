-- The language a member reads Haven in, for mail and notifications.
ALTER TABLE accounts ADD COLUMN language text NOT NULL DEFAULT 'en' CHECK (language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es'));

-- In-app notifications. They name what they are about (a topic, a post, a document, a
-- session) by id, never by content, so the inbox is a list of pointers into what the member
-- may still read.
CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN (
        'reply', 'mention', 'post-approved', 'post-rejected', 'document-approved', 'document-rejected', 'flag-resolved',
        'moderation-queue', 'new-sign-in', 'password-changed', 'two-factor-changed', 'session-revoked'
    )),
    subject_kind text CHECK (subject_kind IN ('topic', 'post', 'document', 'session')),
    subject_id uuid,
    -- Small facts for the member's own eyes: a rejection's reason, a resolution.
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX notifications_inbox ON notifications (account_id, id DESC);
CREATE INDEX notifications_unread ON notifications (account_id) WHERE read_at IS NULL;

-- How a member wants each kind: in the app only, also by mail, or not at all. A missing row
-- means the kind's default. Security kinds are never 'off' (the service refuses it).
CREATE TABLE notification_preferences (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind text NOT NULL,
    delivery text NOT NULL CHECK (delivery IN ('in-app', 'email', 'off')),
    PRIMARY KEY (account_id, kind)
);
