-- A member's export of everything Haven holds about them: asked for, prepared in the background
-- into a ZIP archive stored as encrypted chunks (like documents: a data key per export, wrapped by
-- the master key, so that any instance can serve it and deleting the key shreds it), downloaded
-- once, and gone after the download or after its time.
CREATE TABLE data_exports (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- queued: asked for; preparing: being written (done of total parts); ready: to download until
    -- expires_at; downloaded: fetched once, shredded; expired: not fetched in time, shredded;
    -- failed: could not be prepared (nothing kept).
    state text NOT NULL CHECK (state IN ('queued', 'preparing', 'ready', 'downloaded', 'expired', 'failed')),
    requested_at timestamptz NOT NULL,
    started_at timestamptz,
    ready_at timestamptz,
    expires_at timestamptz,
    downloaded_at timestamptz,
    done integer NOT NULL DEFAULT 0 CHECK (done >= 0),
    total integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    -- The archive: its size, and how it is cut into chunks.
    size bigint CHECK (size >= 0),
    chunk_size integer CHECK (chunk_size > 0),
    chunk_count integer CHECK (chunk_count >= 0)
);
-- One export in progress per member at a time.
CREATE UNIQUE INDEX data_exports_in_progress ON data_exports (account_id) WHERE state IN ('queued', 'preparing');
CREATE INDEX data_exports_account ON data_exports (account_id, requested_at DESC);
CREATE INDEX data_exports_due ON data_exports (requested_at) WHERE state IN ('queued', 'preparing');
CREATE INDEX data_exports_expiring ON data_exports (expires_at) WHERE state = 'ready';

-- The archive's data key, sealed under the master key `key_id`; deleting this row deletes the
-- chunks with it (crypto-shredding: without the key, nothing left anywhere can be read).
CREATE TABLE data_export_keys (
    export_id uuid PRIMARY KEY REFERENCES data_exports (id) ON DELETE CASCADE,
    key_id text NOT NULL,
    wrapped_key bytea NOT NULL
);

CREATE TABLE data_export_chunks (
    export_id uuid NOT NULL REFERENCES data_export_keys (export_id) ON DELETE CASCADE,
    number integer NOT NULL CHECK (number >= 0),
    sealed bytea NOT NULL,
    PRIMARY KEY (export_id, number)
);
ALTER TABLE data_export_chunks ALTER COLUMN sealed SET STORAGE EXTERNAL;

-- A prepared export is announced through the notifications system (it cannot be turned off).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'reply', 'mention', 'post-approved', 'post-rejected', 'document-approved', 'document-rejected', 'flag-resolved',
    'moderation-queue', 'new-sign-in', 'password-changed', 'two-factor-changed', 'session-revoked',
    'consultation-reminder', 'event-registration', 'event-message', 'author-revealed', 'data-export-ready'
));
ALTER TABLE notifications DROP CONSTRAINT notifications_subject_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject_kind_check
    CHECK (subject_kind IN ('topic', 'post', 'document', 'session', 'consultation', 'event', 'export'));
