-- Account deletion: a member (or an administrator) asks for an account to be deleted; after a
-- grace period the purge job erases it. Until then signing in (or cancelling) takes it back.
-- The row goes with the account: once purged nothing here remembers it.
CREATE TABLE account_deletions (
    account_id uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    requested_at timestamptz NOT NULL DEFAULT now(),
    -- When the purge job may erase the account.
    due_at timestamptz NOT NULL,
    -- What becomes of the member's forum posts: removed, or kept under "former member".
    posts text NOT NULL CHECK (posts IN ('remove', 'keep')),
    -- Asked by an administrator: the account is disabled meanwhile, so signing in cannot cancel it.
    by_staff boolean NOT NULL DEFAULT false
);
-- The purge job's work: deletions that are due, oldest first.
CREATE INDEX account_deletions_due ON account_deletions (due_at);
