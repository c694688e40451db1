-- Credentials: metadata and owner in clear (no secret in them), the encrypted payload (`record`) and
-- its wrapped data key (`wrapped_key`, NULL on format-1 records), each as the JSON the Redis store keeps.
CREATE TABLE credentials (
  id text PRIMARY KEY,
  owner_key text NOT NULL,
  owner jsonb NOT NULL,
  metadata jsonb NOT NULL,
  record jsonb NOT NULL,
  wrapped_key jsonb
);

-- listByOwner: an owner's credentials, newest first.
CREATE INDEX credentials_by_owner ON credentials (owner_key, (metadata->>'createdAt') COLLATE "C" DESC);
