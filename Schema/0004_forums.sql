-- Forums: categories (two levels), topics, posts with revisions, reactions, bookmarks, read
-- state, flags, and multilingual full-text search.

CREATE TABLE forum_categories (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    parent_id uuid REFERENCES forum_categories (id) ON DELETE RESTRICT,
    slug text NOT NULL CONSTRAINT forum_categories_slug_key UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
    -- By BCP 47 language tag, e.g. {"en": "…", "ar": "…"}; names has at least one.
    names jsonb NOT NULL CHECK (jsonb_typeof(names) = 'object' AND names <> '{}'::jsonb),
    descriptions jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(descriptions) = 'object'),
    position integer NOT NULL DEFAULT 0,
    -- Who sees it: every member, the listed groups and organisations (and staff), or staff only.
    visibility text NOT NULL DEFAULT 'members' CHECK (visibility IN ('members', 'restricted', 'staff')),
    visible_groups uuid[] NOT NULL DEFAULT '{}',
    visible_organisations uuid[] NOT NULL DEFAULT '{}',
    -- Who starts topics and replies: anyone who sees it, the listed groups (and staff), or staff only.
    posting text NOT NULL DEFAULT 'members' CHECK (posting IN ('members', 'restricted', 'staff')),
    posting_groups uuid[] NOT NULL DEFAULT '{}',
    -- Every post by a non-staff member waits for a moderator, however trusted.
    premoderated boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Two levels: a category with a parent cannot itself be a parent.
CREATE FUNCTION forum_categories_two_levels() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL AND (
        NEW.parent_id = NEW.id
        OR EXISTS (SELECT 1 FROM forum_categories WHERE id = NEW.parent_id AND parent_id IS NOT NULL)
        OR EXISTS (SELECT 1 FROM forum_categories WHERE parent_id = NEW.id)) THEN
        RAISE EXCEPTION 'forum categories have two levels' USING ERRCODE = 'check_violation', CONSTRAINT = 'forum_categories_two_levels';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER forum_categories_two_levels BEFORE INSERT OR UPDATE OF parent_id ON forum_categories
    FOR EACH ROW EXECUTE FUNCTION forum_categories_two_levels();

CREATE TABLE forum_topics (
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    category_id uuid NOT NULL REFERENCES forum_categories (id),
    author_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
    title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    language text NOT NULL CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    -- pending: its first post waits for a moderator; rejected; deleted; merged into another topic.
    state text NOT NULL CHECK (state IN ('pending', 'published', 'rejected', 'deleted', 'merged')),
    merged_into uuid REFERENCES forum_topics (id),
    locked boolean NOT NULL DEFAULT false,
    pinned boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The newest published post: orders the category and tells members what is new.
    last_post_seq bigint NOT NULL DEFAULT 0,
    last_posted_at timestamptz NOT NULL DEFAULT now(),
    reply_count integer NOT NULL DEFAULT 0
);
-- A category's topics, pinned first, then by latest activity (keyset: pinned, last_post_seq).
CREATE INDEX forum_topics_listing ON forum_topics (category_id, pinned DESC, last_post_seq DESC) WHERE state = 'published';
-- Everything recent, for "what is new since my last visit".
CREATE INDEX forum_topics_recent ON forum_topics (last_post_seq DESC) WHERE state = 'published';

CREATE TABLE forum_posts (
    -- Commit-independent order within a topic, for keyset pagination.
    seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT forum_posts_seq_key UNIQUE,
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    topic_id uuid NOT NULL REFERENCES forum_topics (id),
    -- The topic's category, kept here so search filters by visibility without a join.
    category_id uuid NOT NULL REFERENCES forum_categories (id),
    author_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
    reply_to uuid REFERENCES forum_posts (id) ON DELETE SET NULL,
    -- The topic's title on its first post (so titles are searched), empty on replies.
    title text NOT NULL DEFAULT '',
    is_first boolean NOT NULL DEFAULT false,
    language text NOT NULL,
    source text NOT NULL CHECK (length(source) BETWEEN 1 AND 65536),
    html text NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'published', 'rejected', 'hidden', 'deleted')),
    -- Why a moderator rejected or hid it (shown to the author).
    moderation_reason text NOT NULL DEFAULT '',
    moderated_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    moderated_at timestamptz,
    -- Incremented by each edit; an edit names the version it started from.
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- Who wrote the current version and when, once it has been edited.
    edited_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    edited_at timestamptz,
    search_vector tsvector NOT NULL
);
CREATE INDEX forum_posts_topic ON forum_posts (topic_id, seq);
CREATE INDEX forum_posts_author ON forum_posts (author_id, created_at);
CREATE INDEX forum_posts_queue ON forum_posts (seq) WHERE state = 'pending';
CREATE INDEX forum_posts_search ON forum_posts USING gin (search_vector) WHERE state = 'published';

-- Earlier versions of edited posts: who wrote each and when (the current one is on the post).
CREATE TABLE forum_post_revisions (
    post_id uuid NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    version integer NOT NULL,
    source text NOT NULL,
    written_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    written_at timestamptz NOT NULL,
    PRIMARY KEY (post_id, version)
);

CREATE TABLE forum_reactions (
    post_id uuid NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('like', 'thanks', 'insightful', 'support')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, account_id, kind)
);

CREATE TABLE forum_bookmarks (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    post_id uuid NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    seq bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (account_id, post_id)
);
CREATE INDEX forum_bookmarks_listing ON forum_bookmarks (account_id, seq);

-- How far each member has read each topic.
CREATE TABLE forum_reads (
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    topic_id uuid NOT NULL REFERENCES forum_topics (id) ON DELETE CASCADE,
    last_read_seq bigint NOT NULL,
    read_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, topic_id)
);

CREATE TABLE forum_flags (
    seq bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT forum_flags_seq_key UNIQUE,
    id uuid PRIMARY KEY DEFAULT uuid_generate_v7(),
    post_id uuid NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    flagged_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    reason text NOT NULL CHECK (reason IN ('spam', 'abuse', 'personal-data', 'off-topic', 'danger', 'other')),
    note text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    created_at timestamptz NOT NULL DEFAULT now(),
    resolution text CHECK (resolution IN ('dismissed', 'post-hidden')),
    resolution_note text NOT NULL DEFAULT '',
    resolved_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    resolved_at timestamptz
);
CREATE UNIQUE INDEX forum_flags_once ON forum_flags (post_id, flagged_by) WHERE resolved_at IS NULL;
CREATE INDEX forum_flags_open ON forum_flags (seq) WHERE resolved_at IS NULL;

-- Search text: Arabic without diacritics and tatweel (so vocalised and bare spellings meet),
-- and each run of Chinese characters as overlapping bigrams (Chinese has no spaces: a word
-- inside a sentence is then found as the bigrams it is made of). The query goes through the
-- same function.
CREATE FUNCTION forum_search_text(body text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    han constant text := '[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]+';
    plain text := translate(body, E'\u064B\u064C\u064D\u064E\u064F\u0650\u0651\u0652\u0653\u0654\u0655\u0670\u0640', '');
    result text := '';
    run text;
    rest text;
    at integer;
BEGIN
    IF plain !~ han THEN
        RETURN plain;
    END IF;
    rest := plain;
    LOOP
        run := substring(rest FROM han);
        EXIT WHEN run IS NULL;
        at := strpos(rest, run);
        result := result || substr(rest, 1, at - 1) || ' ';
        IF length(run) = 1 THEN
            result := result || run;
        ELSE
            result := result || (SELECT string_agg(substr(run, i, 2), ' ' ORDER BY i) FROM generate_series(1, length(run) - 1) i);
        END IF;
        result := result || ' ';
        rest := substr(rest, at + length(run));
    END LOOP;
    RETURN result || rest;
END
$$;

-- The text-search configuration for a language tag; 'simple' (no stemming) for Chinese and others.
CREATE FUNCTION forum_search_config(language text) RETURNS regconfig LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE split_part(language, '-', 1)
        WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig WHEN 'es' THEN 'spanish'::regconfig
        WHEN 'ru' THEN 'russian'::regconfig WHEN 'ar' THEN 'arabic'::regconfig ELSE 'simple'::regconfig END
$$;

CREATE FUNCTION forum_search_vector(language text, title text, source text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(forum_search_config(language), forum_search_text(title)), 'A')
        || setweight(to_tsvector(forum_search_config(language), forum_search_text(source)), 'B')
$$;

-- A query in the searcher's words: in one language when given, else in all six (a French
-- searcher's "victimes" must meet French posts stemmed the French way), each distinct reading
-- once (ranking costs grow with the query's size).
CREATE FUNCTION forum_search_query(words text, language text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN language IS NOT NULL
        THEN websearch_to_tsquery(forum_search_config(language), forum_search_text(words))
        ELSE (SELECT coalesce(string_agg(DISTINCT '(' || reading::text || ')', ' | '), '')::tsquery
              FROM unnest(ARRAY['english', 'french', 'spanish', 'russian', 'arabic', 'simple']::regconfig[]) AS config,
                   LATERAL websearch_to_tsquery(config, forum_search_text(words)) AS reading
              WHERE numnode(reading) > 0)
    END
$$;

-- Topics that are not published (few): search leaves out their posts with an anti-join.
CREATE INDEX forum_topics_unpublished ON forum_topics (id) WHERE state <> 'published';

-- The default thematic categories of a new installation.
INSERT INTO forum_categories (slug, position, posting, names, descriptions) VALUES
('human-rights', 1, 'members',
 '{"en": "Human rights and the rule of law", "fr": "Droits humains et état de droit", "es": "Derechos humanos y Estado de derecho",
   "ru": "Права человека и верховенство права", "ar": "حقوق الإنسان وسيادة القانون", "zh": "人权与法治"}',
 '{"en": "Protecting human rights while countering terrorism."}'),
('victims-of-terrorism', 2, 'members',
 '{"en": "Victims of terrorism", "fr": "Victimes du terrorisme", "es": "Víctimas del terrorismo",
   "ru": "Жертвы терроризма", "ar": "ضحايا الإرهاب", "zh": "恐怖主义受害者"}',
 '{"en": "Support, recognition and the voices of victims and survivors."}'),
('preventing-violent-extremism', 3, 'members',
 '{"en": "Preventing and countering violent extremism", "fr": "Prévenir et combattre l''extrémisme violent",
   "es": "Prevenir y combatir el extremismo violento", "ru": "Предупреждение насильственного экстремизма и борьба с ним",
   "ar": "منع التطرف العنيف ومكافحته", "zh": "预防和打击暴力极端主义"}',
 '{"en": "Community approaches that work."}'),
('rehabilitation-and-reintegration', 4, 'members',
 '{"en": "Rehabilitation and reintegration", "fr": "Réhabilitation et réintégration", "es": "Rehabilitación y reintegración",
   "ru": "Реабилитация и реинтеграция", "ar": "إعادة التأهيل وإعادة الإدماج", "zh": "康复与重返社会"}',
 '{"en": "Programmes for people leaving violent groups, and their communities."}'),
('humanitarian-and-civic-space', 5, 'members',
 '{"en": "Humanitarian and civic space", "fr": "Espace humanitaire et civique", "es": "Espacio humanitario y cívico",
   "ru": "Гуманитарное и гражданское пространство", "ar": "الحيز الإنساني والمدني", "zh": "人道主义和公民空间"}',
 '{"en": "Keeping room for humanitarian action and civil society."}'),
('announcements', 0, 'staff',
 '{"en": "Announcements", "fr": "Annonces", "es": "Anuncios", "ru": "Объявления", "ar": "إعلانات", "zh": "公告"}',
 '{"en": "News from the platform team. Members read; staff post."}');
