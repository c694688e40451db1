-- Organisations' OAuth clients (CREDENTIAL_STORE=postgres): the client as shown, in clear (no secret
-- in it), and the client secret sealed by the credential key ring (NULL for a public client).
CREATE TABLE oauth2_clients (
  org_id text NOT NULL,
  provider_id text NOT NULL,
  client jsonb NOT NULL,
  secret jsonb,
  PRIMARY KEY (org_id, provider_id)
);
