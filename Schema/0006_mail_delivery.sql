-- Delivery of the mail outbox: each message is tried until it is sent, or given up as dead
-- after a permanent refusal or too many attempts, with an exponential back-off in between.
ALTER TABLE mail_outbox
    ADD COLUMN html text,
    ADD COLUMN language text NOT NULL DEFAULT 'en',
    -- Extra headers (e.g. List-Unsubscribe), name to value.
    ADD COLUMN headers jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- Why the last attempt failed: the server's reply or the connection error, never content.
    ADD COLUMN last_error text,
    ADD COLUMN dead_at timestamptz,
    ADD CONSTRAINT mail_outbox_sent_or_dead CHECK (sent_at IS NULL OR dead_at IS NULL);

-- What a delivery worker claims: due messages, oldest first.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND dead_at IS NULL;

-- Wakes delivery workers (LISTEN mail_outbox) when the transaction that queued mail commits;
-- a rolled-back transaction notifies nobody.
CREATE FUNCTION mail_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('mail_outbox', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER mail_outbox_queued AFTER INSERT ON mail_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION mail_outbox_notify();
