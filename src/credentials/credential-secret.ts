import { z } from "zod";
import { capturedStateSchema, summarizeState } from "./captured-state.ts";
import type { CredentialKind, SecondFactorFacts } from "./credential-metadata-schema.ts";
import { type TotpSecret, totpSecretSchema } from "./totp-secret.ts";

/** An OAuth2 token set as the vault keeps it (encrypted). `expiresAt`: the access token's expiry (ISO), when the server gave one. */
export const oauth2TokensSchema = z.looseObject({
  accessToken: z.string(),
  tokenType: z.string().default("Bearer"),
  refreshToken: z.string().optional(),
  expiresAt: z.string().nullable().default(null),
  scope: z.string().optional(),
  idToken: z.string().optional(),
});

/** API-key fields by name, as the provider declares them (secret or not: all are kept encrypted). */
export const apiKeyFieldsSchema = z.record(z.string(), z.string());

/**
 * The plaintext of a credential, by kind. Lives only in process memory and in the response to its owner.
 * A browser login may hold the person's TOTP secret beside its captured state: it is never handed out,
 * only used by the worker to fill a one-time-code step (docs/second-factors.md).
 */
export type CredentialSecret =
  | { kind: "browser_login"; state: z.infer<typeof capturedStateSchema>; totp?: TotpSecret }
  | { kind: "oauth2"; tokens: z.infer<typeof oauth2TokensSchema> }
  | { kind: "api_key"; fields: z.infer<typeof apiKeyFieldsSchema> };

export type OAuth2Tokens = z.infer<typeof oauth2TokensSchema>;
export type ApiKeyFields = z.infer<typeof apiKeyFieldsSchema>;

/**
 * The bytes sealed for a secret. A browser login seals the captured state itself (the format before
 * kinds existed), with its TOTP secret, when it has one, as one more top-level field.
 */
export function serializeSecret(secret: CredentialSecret): Buffer {
  const body =
    secret.kind === "browser_login"
      ? secret.totp
        ? { ...secret.state, totp: secret.totp }
        : secret.state
      : secret.kind === "oauth2"
        ? secret.tokens
        : secret.fields;
  return Buffer.from(JSON.stringify(body), "utf8");
}

export function parseSecret(kind: CredentialKind, plaintext: Buffer): CredentialSecret {
  const body: unknown = JSON.parse(plaintext.toString("utf8"));
  switch (kind) {
    case "browser_login": {
      const { totp, ...state } = body as Record<string, unknown>;
      return {
        kind,
        state: capturedStateSchema.parse(state),
        ...(totp !== undefined ? { totp: totpSecretSchema.parse(totp) } : {}),
      };
    }
    case "oauth2":
      return { kind, tokens: oauth2TokensSchema.parse(body) };
    case "api_key":
      return { kind, fields: apiKeyFieldsSchema.parse(body) };
  }
}

/** The non-secret facts a secret contributes to its metadata (kept in clear beside the ciphertext). */
export function summarizeSecret(secret: CredentialSecret) {
  switch (secret.kind) {
    case "browser_login": {
      const summary = summarizeState(secret.state);
      // Said even when absent, so that a secret written without one clears what the old one said.
      const secondFactor: SecondFactorFacts | undefined = secret.totp
        ? { kind: "totp", setAt: secret.totp.setAt }
        : undefined;
      return { ...summary, expiresAt: summary.earliestExpiry, secondFactor };
    }
    case "oauth2":
      return {
        expiresAt: secret.tokens.expiresAt,
        ...(secret.tokens.scope !== undefined ? { scopes: secret.tokens.scope.split(" ").filter(Boolean) } : {}),
      };
    case "api_key":
      return { fieldNames: Object.keys(secret.fields).sort() };
  }
}
