-- Organisations and their members, groups, per-person directory consent, two-person approval of
-- second-factor resets, and the hash-chained audit log.

CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    -- Names by BCP 47 language tag, e.g. {"en": "…", "ar": "…"}; at least one.
    names jsonb NOT NULL CHECK (jsonb_typeof(names) = 'object' AND names <> '{}'::jsonb),
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    kind text NOT NULL CHECK (kind IN ('women-led', 'youth-led', 'victims-association', 'human-rights-defenders', 'other')),
    thematic_areas text[] NOT NULL DEFAULT '{}' CHECK (thematic_areas <@ ARRAY[
        'human-rights', 'victims-of-terrorism', 'preventing-violent-extremism',
        'rehabilitation-and-reintegration', 'humanitarian-space', 'civic-space']),
    profile text NOT NULL DEFAULT '' CHECK (length(profile) <= 2000),
    status text NOT NULL CHECK (status IN ('pending', 'active', 'suspended')),
    created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('member', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, account_id)
);
CREATE INDEX memberships_account ON memberships (account_id);

-- Invitations may bring the invitee into an organisation; organisation admins' invitations wait
-- for staff approval when the installation requires it.
ALTER TABLE invitations
    ADD COLUMN organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
    ADD COLUMN organisation_role text CHECK (organisation_role IN ('member', 'admin')),
    ADD COLUMN approved_at timestamptz,
    ADD COLUMN approved_by uuid REFERENCES accounts (id) ON DELETE SET NULL;
-- Existing (staff) invitations need no approval.
UPDATE invitations SET approved_at = created_at;

CREATE TABLE groups (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    name text NOT NULL CONSTRAINT groups_name_key UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_members (
    group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_members_account ON group_members (account_id);

-- The member directory is opt-in per person.
ALTER TABLE accounts ADD COLUMN directory_visible boolean NOT NULL DEFAULT false;

-- Resetting someone's second factor needs a second administrator.
CREATE TABLE two_factor_resets (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    requested_by uuid NOT NULL REFERENCES accounts (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    approved_by uuid REFERENCES accounts (id),
    approved_at timestamptz,
    CHECK (approved_by IS NULL OR approved_by <> requested_by)
);

-- The audit log: append-only, each row chained to the previous one by SHA-256.
CREATE TABLE audit_log (
    position bigint PRIMARY KEY,
    id uuid NOT NULL DEFAULT uuid_generate_v7() CONSTRAINT audit_log_id_key UNIQUE,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid,
    action text NOT NULL,
    target text NOT NULL DEFAULT '',
    outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    address_prefix text NOT NULL DEFAULT '',
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    previous_hash bytea NOT NULL,
    hash bytea NOT NULL
);
CREATE INDEX audit_log_occurred ON audit_log (occurred_at);
CREATE INDEX audit_log_action ON audit_log (action, position);
CREATE INDEX audit_log_actor ON audit_log (actor_id, position);

-- The bytes a row's hash covers (after the previous hash), one definition for writing and checking.
CREATE FUNCTION audit_content(row_position bigint, occurred_at timestamptz, actor_id uuid, action text, target text,
                              outcome text, address_prefix text, details jsonb) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT convert_to(concat_ws(E'\x1f', row_position::text, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        coalesce(actor_id::text, ''), action, target, outcome, address_prefix, details::text), 'UTF8')
$$;

-- One row holding the head of the chain; locking it serialises appends.
CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head (position, hash) VALUES (0, sha256(''::bytea));

CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_head FOR UPDATE;
    NEW.position := head.position + 1;
    NEW.occurred_at := date_trunc('microseconds', clock_timestamp());
    NEW.previous_hash := head.hash;
    NEW.hash := sha256(head.hash || audit_content(NEW.position, NEW.occurred_at, NEW.actor_id, NEW.action, NEW.target,
                                                  NEW.outcome, NEW.address_prefix, NEW.details));
    UPDATE audit_head SET position = NEW.position, hash = NEW.hash;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_chain();

-- Rows are never changed, and deleted only by the retention job, oldest first.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('haven.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
