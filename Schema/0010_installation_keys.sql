-- The keys this installation serves with, as one-way fingerprints: an instance started with
-- another server secret or master key refuses to serve, instead of failing CSRF checks, sign-in
-- throttling, two-factor codes and downloads whenever a request reaches it.
CREATE TABLE installation_keys (
    name text PRIMARY KEY CHECK (name IN ('server-secret', 'master-key')),
    fingerprint text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
