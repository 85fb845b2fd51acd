-- Retention: what the scheduled purges need. Signed checkpoints of the audit chain's removed
-- prefix; source addresses in audit rows kept outside the chain, so they can be cleared after a
-- week while the rows stay verifiable for years; per-category retention of forum posts; and the
-- indexes the purges search by.

-- The last row of each removed prefix of the audit log: its position, hash and time, signed with
-- an HMAC under a key derived from the server secret. Verification starts from the newest one:
-- the oldest row kept must link to it, so a removed or forged checkpoint breaks the chain.
CREATE TABLE audit_checkpoints (
    position bigint PRIMARY KEY,
    hash bytea NOT NULL,
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    signature bytea NOT NULL
);

CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit checkpoints are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();

-- Rows appended from now on leave their source address out of the hash, so that retention may
-- clear it (rows already written keep it in their hash, and so keep it).
ALTER TABLE audit_log ADD COLUMN address_chained boolean NOT NULL DEFAULT true;

CREATE OR REPLACE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_head FOR UPDATE;
    NEW.position := head.position + 1;
    NEW.occurred_at := date_trunc('microseconds', clock_timestamp());
    NEW.previous_hash := head.hash;
    NEW.address_chained := false;
    NEW.hash := sha256(head.hash || audit_content(NEW.position, NEW.occurred_at, NEW.actor_id, NEW.action, NEW.target,
                                                  NEW.outcome, '', NEW.details));
    UPDATE audit_head SET position = NEW.position, hash = NEW.hash;
    RETURN NEW;
END
$$;

-- Rows are never changed, and deleted only by the retention job, oldest first; the same job may
-- clear an address that is not part of the hash, and nothing else.
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('haven.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('haven.audit_retention', true) = 'on' AND NOT OLD.address_chained
       AND NEW.address_prefix = '' AND to_jsonb(NEW) - 'address_prefix' = to_jsonb(OLD) - 'address_prefix' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE INDEX audit_log_unchained_addresses ON audit_log (occurred_at) WHERE address_prefix <> '' AND NOT address_chained;

-- "Discussions here disappear after N days": posts older than this are deleted (null: kept).
ALTER TABLE forum_categories ADD COLUMN retention_days integer CHECK (retention_days BETWEEN 1 AND 36500);

-- What the purges look for.
CREATE INDEX auth_throttle_last_failure ON auth_throttle (last_failure_at);
CREATE INDEX sessions_addresses ON sessions (created_at) WHERE address_prefix <> '';
CREATE INDEX sessions_ended ON sessions (least(expires_at, coalesce(revoked_at, expires_at)));
CREATE INDEX notifications_created ON notifications (created_at);
CREATE INDEX mail_outbox_finished ON mail_outbox (coalesce(sent_at, dead_at)) WHERE sent_at IS NOT NULL OR dead_at IS NOT NULL;
CREATE INDEX forum_posts_deleted ON forum_posts (moderated_at) WHERE state = 'deleted';
