-- Events: staff publish dialogues, conferences, webinars and workshops to an audience of
-- organisations (as consultations do); members register, or their organisation's admin registers
-- them; beyond capacity they wait in line. The place or link is for those with a place and staff.

CREATE TABLE events (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    kind text NOT NULL CHECK (kind IN ('virtual-dialogue', 'conference', 'webinar', 'workshop')),
    -- By language tag, e.g. {"en": "…", "fr": "…"}; a title in at least one language.
    titles jsonb NOT NULL CHECK (jsonb_typeof(titles) = 'object' AND titles <> '{}'::jsonb),
    descriptions jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(descriptions) = 'object'),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
    -- The IANA zone the event is held in (e.g. Africa/Nairobi), for showing local times.
    time_zone text NOT NULL,
    -- Where it happens, and the link to join: shown only to staff and those with a place.
    place text,
    link text CHECK (link LIKE 'https://%'),
    -- The languages it is held in (interpretation), among the six of the platform.
    languages text[] NOT NULL DEFAULT '{}' CHECK (languages <@ ARRAY['ar', 'zh', 'en', 'fr', 'ru', 'es']),
    -- Places (NULL: no limit); registrations beyond it wait in line.
    capacity integer CHECK (capacity > 0),
    -- The audience, as for consultations: every active organisation, or those named, in these
    -- countries or working on these thematic areas (any of them).
    audience_all boolean NOT NULL DEFAULT false,
    audience_organisations uuid[] NOT NULL DEFAULT '{}',
    audience_countries text[] NOT NULL DEFAULT '{}',
    audience_thematic_areas text[] NOT NULL DEFAULT '{}',
    -- [{"id": "q1", "prompts": {"en": "…"}, "choices": ["…"]}]: asked on registration, all optional.
    questions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(questions) = 'array'),
    -- After the event: a report by language, and the forum topic opened to discuss it.
    report jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(report) = 'object'),
    follow_up_topic_id uuid REFERENCES forum_topics (id) ON DELETE SET NULL,
    created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_starts ON events (starts_at DESC);

CREATE TABLE event_registrations (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The organisation the participant comes for (the one whose admin registered them, if so).
    organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
    registered_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    -- registered: has a place; waiting: in line for one; confirmed: by staff; cancelled: gave it up.
    status text NOT NULL CHECK (status IN ('registered', 'waiting', 'confirmed', 'cancelled')),
    -- {"q1": "…"}: answers to the event's questions.
    answers jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(answers) = 'object'),
    -- Order of arrival: the waiting list is served first come, first served. Taken while the
    -- event's row is locked, so it follows the order registrations were decided in.
    position bigint GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- One live registration per person and event (a cancelled one may be followed by a new one).
CREATE UNIQUE INDEX event_registrations_live ON event_registrations (event_id, account_id) WHERE status <> 'cancelled';
-- Places taken and the head of the waiting list, per event.
CREATE INDEX event_registrations_line ON event_registrations (event_id, status, position);

-- Material attached after (or before) the event: documents of the libraries, by id; who may
-- read each is still decided by the document's own space.
CREATE TABLE event_materials (
    event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    attached_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    attached_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, document_id)
);
