-- Accounts, invitations, sessions, second factors, API tokens, password resets, throttling and
-- the mail outbox. Secrets are never stored: tokens and codes as SHA-256 digests, passwords as
-- Argon2id PHC strings, TOTP secrets sealed with AES-256-GCM under a key from configuration.

CREATE TABLE accounts (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    -- Lower-cased, trimmed; unique among accounts that are not deleted.
    email text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name text CHECK (length(display_name) BETWEEN 1 AND 100),
    role text NOT NULL CHECK (role IN ('member', 'moderator', 'administrator')),
    status text NOT NULL CHECK (status IN ('invited', 'active', 'disabled', 'deleted')),
    password_hash text,
    password_changed_at timestamptz,
    totp_secret_sealed bytea,
    totp_enabled_at timestamptz,
    -- The last 30-second step a TOTP code was accepted for: each code works once.
    totp_last_step bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email) WHERE status <> 'deleted';

CREATE TABLE invitations (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    token_hash bytea NOT NULL CONSTRAINT invitations_token_key UNIQUE,
    email text NOT NULL CHECK (email = lower(email)),
    role text NOT NULL CHECK (role IN ('member', 'moderator', 'administrator')),
    invited_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at timestamptz,
    account_id uuid REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX invitations_email ON invitations (email);

CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    token_hash bytea NOT NULL CONSTRAINT sessions_token_key UNIQUE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    -- The last time the password was entered in this session (re-authentication).
    authenticated_at timestamptz NOT NULL DEFAULT now(),
    user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 120),
    -- Truncated: /24 for IPv4, /48 for IPv6.
    address_prefix text NOT NULL DEFAULT '',
    revoked_at timestamptz
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

CREATE TABLE recovery_codes (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (account_id, code_hash)
);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    token_hash bytea NOT NULL CONSTRAINT api_tokens_token_key UNIQUE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scopes text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'write', 'moderate', 'admin'] AND cardinality(scopes) > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

CREATE TABLE password_resets (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    token_hash bytea NOT NULL CONSTRAINT password_resets_token_key UNIQUE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

-- Failed credential attempts, per account (keyed by a hash of the email, so unknown addresses
-- count alike) and per source prefix; shared by every instance.
CREATE TABLE auth_throttle (
    key text PRIMARY KEY,
    failures integer NOT NULL DEFAULT 0,
    last_failure_at timestamptz NOT NULL DEFAULT now(),
    blocked_until timestamptz
);

-- Mail to send. The notifications work delivers it; until then it waits here.
CREATE TABLE mail_outbox (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    recipient text NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
