-- Categories a member follows, for the optional digest of their activity.
CREATE TABLE category_follows (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    category_id uuid NOT NULL REFERENCES forum_categories (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, category_id)
);

-- How often a member wants the digest, and until when the last one counted.
ALTER TABLE accounts
    ADD COLUMN digest text NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'daily', 'weekly')),
    ADD COLUMN digest_until timestamptz;
