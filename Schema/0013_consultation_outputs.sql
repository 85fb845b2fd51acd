-- What comes with a consultation and what comes out of it: documents attached to it (staff's
-- background papers, kept in the platform library and read by its rules), documents attached to
-- a contribution (kept in the organisation's own space, so only its members and staff read
-- them), the synthesis staff publish after closing, and when its reminder went out.

CREATE TABLE consultation_documents (
    consultation_id uuid NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consultation_id, document_id)
);

CREATE TABLE contribution_documents (
    consultation_id uuid NOT NULL,
    organisation_id uuid NOT NULL,
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    -- The version attached (the newest when it was attached): what the organisation submits and
    -- staff export, whatever versions come later.
    version integer NOT NULL CHECK (version >= 1),
    added_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consultation_id, organisation_id, document_id),
    FOREIGN KEY (consultation_id, organisation_id) REFERENCES consultation_contributions (consultation_id, organisation_id) ON DELETE CASCADE
);

ALTER TABLE consultations
    -- By language, like the titles; empty until staff publish it.
    ADD COLUMN synthesis jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(synthesis) = 'object'),
    ADD COLUMN synthesis_published_at timestamptz,
    -- When the members of organisations that had not yet submitted were reminded of the deadline.
    ADD COLUMN reminded_at timestamptz;
-- The reminder job's work: open consultations not yet reminded, by deadline.
CREATE INDEX consultations_to_remind ON consultations (closes_at) WHERE reminded_at IS NULL;
