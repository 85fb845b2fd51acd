-- Pseudonymous forum spaces: in a category marked pseudonymous, members post under a pseudonym
-- of their own in each topic. Everyone, moderators included, reads the pseudonym only; an
-- administrator may reveal the author of one post, with a reason, audited, and the author is told.

-- Set when the category is created or while it holds no topics and no documents, so every post
-- and upload in a pseudonymous category was made under a pseudonym (and none is unmasked by
-- turning it off).
ALTER TABLE forum_categories ADD COLUMN pseudonymous boolean NOT NULL DEFAULT false;

-- One author's pseudonym in one topic: random (not derived from the account), stable within the
-- topic, unique within it, drawn afresh for every topic. Gone with the account.
CREATE TABLE forum_pseudonyms (
    topic_id uuid NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    pseudonym text NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 40),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic_id, account_id),
    CONSTRAINT forum_pseudonyms_unique_in_topic UNIQUE (topic_id, pseudonym)
);
-- Account deletion and the member's own data export find an account's pseudonyms.
CREATE INDEX forum_pseudonyms_account ON forum_pseudonyms (account_id);

-- An uploader's pseudonym on one document in a pseudonymous category's space, drawn as above.
CREATE TABLE document_pseudonyms (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    pseudonym text NOT NULL CHECK (length(pseudonym) BETWEEN 1 AND 40),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, account_id),
    CONSTRAINT document_pseudonyms_unique_in_document UNIQUE (document_id, pseudonym)
);
CREATE INDEX document_pseudonyms_account ON document_pseudonyms (account_id);

-- The author of a pseudonymous post learns when an administrator reveals them.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'reply', 'mention', 'post-approved', 'post-rejected', 'document-approved', 'document-rejected', 'flag-resolved',
    'moderation-queue', 'new-sign-in', 'password-changed', 'two-factor-changed', 'session-revoked',
    'consultation-reminder', 'event-registration', 'event-message', 'author-revealed'
));
