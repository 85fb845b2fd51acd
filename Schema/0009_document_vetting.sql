-- Whether uploads by members into one particular space wait for a moderator, overriding the
-- installation's default for that kind of space. `space` is 'library' or 'kind:uuid'.
CREATE TABLE document_space_vetting (
    space text PRIMARY KEY CHECK (space = 'library' OR space ~ '^(category|group|organisation):[0-9a-f-]{36}$'),
    vetted boolean NOT NULL,
    changed_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
