-- Consultations (calls for input): staff ask the organisations of an audience questions; each
-- invited organisation drafts one contribution, which its admin submits and may consent to
-- publish. Contributions are for staff only unless so consented.

CREATE TABLE consultations (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    -- By BCP 47 language tag, e.g. {"en": "…", "fr": "…"}; a title in at least one language.
    titles jsonb NOT NULL CHECK (jsonb_typeof(titles) = 'object' AND titles <> '{}'::jsonb),
    descriptions jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(descriptions) = 'object'),
    -- [{"id": "q1", "prompts": {"en": "…"}, "choices": ["…"]}]: free text without choices.
    questions jsonb NOT NULL CHECK (jsonb_typeof(questions) = 'array' AND questions <> '[]'::jsonb),
    -- The audience: every active organisation, or those named, or in these countries, or working
    -- on these thematic areas (any of them).
    audience_all boolean NOT NULL DEFAULT false,
    audience_organisations uuid[] NOT NULL DEFAULT '{}',
    audience_countries text[] NOT NULL DEFAULT '{}',
    audience_thematic_areas text[] NOT NULL DEFAULT '{}',
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL CHECK (closes_at > opens_at),
    created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultations_opens ON consultations (opens_at DESC);

CREATE TABLE consultation_contributions (
    consultation_id uuid NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    organisation_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- {"q1": "…"}: answers by question id, drafted by the organisation's members.
    answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
    updated_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    submitted_at timestamptz,
    -- The organisation's consent: not to be published, published without its name, or with it.
    publication text NOT NULL DEFAULT 'none' CHECK (publication IN ('none', 'anonymous', 'named')),
    PRIMARY KEY (consultation_id, organisation_id)
);
