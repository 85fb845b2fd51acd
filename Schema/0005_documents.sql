-- Documents: files in libraries (the platform library, a forum category, a group or an
-- organisation), kept as versions that moderators vet, their contents encrypted at rest in
-- chunks under a per-version data key that a master key from configuration wraps.

CREATE TABLE documents (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    -- Where it lives, which decides who sees it; the library has no id.
    space_kind text NOT NULL CHECK (space_kind IN ('library', 'category', 'group', 'organisation')),
    space_id uuid,
    CONSTRAINT documents_space_id CHECK ((space_kind = 'library') = (space_id IS NULL)),
    -- By BCP 47 language tag, e.g. {"en": "…", "fr": "…"}; titles has at least one.
    titles jsonb NOT NULL CHECK (jsonb_typeof(titles) = 'object' AND titles <> '{}'::jsonb),
    descriptions jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(descriptions) = 'object'),
    language text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    thematic_areas text[] NOT NULL DEFAULT '{}',
    -- The organisation that wrote it, if any.
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    licence text NOT NULL DEFAULT '' CHECK (length(licence) <= 500),
    tags text[] NOT NULL DEFAULT '{}',
    uploader_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The newest approved version (0: none yet); what everyone else sees.
    published_version integer NOT NULL DEFAULT 0,
    -- Soft delete: hidden at once, purged (chunks and keys removed) after the retention period.
    deleted_at timestamptz,
    deleted_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    -- Titles, descriptions and tags, in the document's language (see forum_search_vector).
    search_vector tsvector NOT NULL
);
-- A space's documents, newest first (keyset on id, a UUIDv7).
CREATE INDEX documents_listing ON documents (space_kind, space_id, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX documents_recent ON documents (id DESC) WHERE deleted_at IS NULL;
CREATE INDEX documents_search ON documents USING gin (search_vector) WHERE deleted_at IS NULL;
CREATE INDEX documents_deleted ON documents (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE document_versions (
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    version integer NOT NULL CHECK (version >= 1),
    state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    -- As the uploader named it (shown, and offered when downloading); the type comes from the bytes.
    filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    type text NOT NULL,
    media_type text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    -- Of the plaintext: integrity and the ETag.
    sha256 bytea NOT NULL CHECK (length(sha256) = 32),
    chunk_size integer NOT NULL CHECK (chunk_size BETWEEN 262144 AND 1048576),
    chunk_count integer NOT NULL CHECK (chunk_count >= 1),
    -- The version's data key, sealed under the master key `key_id`.
    key_id text NOT NULL,
    wrapped_key bytea NOT NULL,
    uploaded_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at timestamptz,
    -- Why it was rejected, for the uploader.
    reason text NOT NULL DEFAULT '' CHECK (length(reason) <= 2000),
    PRIMARY KEY (document_id, version)
);
-- The vetting queue, oldest first.
CREATE INDEX document_versions_pending ON document_versions (created_at) WHERE state = 'pending';
-- A member's stored bytes, for the quota.
CREATE INDEX document_versions_uploader ON document_versions (uploaded_by);
-- Master-key rotation finds the keys still sealed under an old master key.
CREATE INDEX document_versions_key ON document_versions (key_id);

-- nonce ‖ AES-256-GCM ciphertext ‖ tag of one chunk of a version's plaintext; the document id,
-- version, chunk number and whether it is the last chunk are authenticated with it.
CREATE TABLE document_chunks (
    document_id uuid NOT NULL,
    version integer NOT NULL,
    number integer NOT NULL CHECK (number >= 0),
    sealed bytea NOT NULL,
    PRIMARY KEY (document_id, version, number),
    -- Checked at commit: an upload writes its chunks first and its version row last, in one transaction.
    FOREIGN KEY (document_id, version) REFERENCES document_versions (document_id, version) ON DELETE CASCADE
        DEFERRABLE INITIALLY DEFERRED
);
-- Ciphertext does not compress: store it out of line as is.
ALTER TABLE document_chunks ALTER COLUMN sealed SET STORAGE EXTERNAL;
