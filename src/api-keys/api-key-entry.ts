import type { Subject } from "../core/subject.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialMetadata } from "../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { ApiError } from "../http/errors.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { ApiKeyProvider } from "../providers/provider-schema.ts";
import type { ApiKeyAttempts } from "./api-key-attempts.ts";
import type { ApiKeyValidator } from "./api-key-validation.ts";

export interface ApiKeyEntryDeps {
  vault: CredentialVault;
  eventLog: CredentialEvents;
  providers: ProviderRegistry;
  validateApiKey: ApiKeyValidator;
  /** Limits how many keys a subject may have checked with a provider; none without it. */
  apiKeyAttempts?: ApiKeyAttempts;
}

export interface ApiKeyEntry {
  providerId: string;
  fields: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** Which submitted fields the provider does not declare, and which it declares that are missing or empty. */
function fieldProblems(provider: ApiKeyProvider, fields: Record<string, string>): string | undefined {
  const declared = provider.fields.map((f) => f.name);
  const unknown = Object.keys(fields).filter((name) => !declared.includes(name));
  const missing = declared.filter((name) => !fields[name]);
  const problems = [
    ...(missing.length ? [`missing: ${missing.join(", ")}`] : []),
    ...(unknown.length ? [`unknown: ${unknown.join(", ")}`] : []),
  ];
  return problems.length
    ? `Fields for ${provider.id} ${problems.join("; ")} (it takes ${declared.join(", ")})`
    : undefined;
}

/**
 * Stores a subject's API key: checks the fields against the provider's declaration, runs its
 * validation request (a refusal is `422 api_key_rejected`), then seals it, or replaces the subject's
 * previous key for that provider in place. POST /credentials and the connect page both enter keys here.
 */
export async function enterApiKey(
  deps: ApiKeyEntryDeps,
  owner: Subject,
  { providerId, fields, metadata }: ApiKeyEntry,
): Promise<{ metadata: CredentialMetadata; replaced: boolean }> {
  const { vault, eventLog, providers, validateApiKey } = deps;
  const provider = providers.get(providerId);
  if (!provider) throw new ApiError(404, "provider_not_found", `No provider ${providerId}; GET /providers lists them`);
  if (provider.kind !== "api_key")
    throw new ApiError(
      409,
      "wrong_provider_kind",
      `Provider ${provider.id} is an ${provider.kind} provider, not an API-key one`,
    );
  const problems = fieldProblems(provider, fields);
  // Names only: a value in a message could be a key pasted into the wrong field.
  if (problems) throw new ApiError(400, "invalid_fields", problems);
  if (Object.values(fields).some((value) => /[\p{Cc}]/u.test(value)))
    throw new ApiError(
      400,
      "invalid_fields",
      "Field values must not contain control characters (line breaks, tabs...)",
    );

  if (provider.validation && deps.apiKeyAttempts) {
    const attempt = await deps.apiKeyAttempts.take(owner, provider.id);
    if (!attempt.allowed) {
      throw new ApiError(
        429,
        "too_many_attempts",
        `Too many keys were checked with ${provider.name} for this user; try again in ${attempt.retryAfterS} s`,
        { retryAfterSeconds: attempt.retryAfterS },
        { "Retry-After": String(attempt.retryAfterS) },
      );
    }
  }
  const verdict = await validateApiKey(provider, fields);
  if (verdict.outcome === "rejected") {
    throw new ApiError(
      422,
      "api_key_rejected",
      `${provider.name} refused the key (HTTP ${verdict.status})${verdict.excerpt ? `: ${verdict.excerpt}` : ""}`,
      { status: verdict.status, excerpt: verdict.excerpt },
    );
  }
  if (verdict.outcome === "unavailable")
    throw new ApiError(
      503,
      "api_key_validation_unavailable",
      `Could not check the key with ${provider.name}: ${verdict.reason}; retry shortly`,
    );

  const now = new Date().toISOString();
  const details = { ...(metadata ? { metadata } : {}), ...(provider.validation ? { lastVerifiedAt: now } : {}) };
  // One key per provider and subject: a re-entered key (rotated, revoked, a typo fixed) takes the old one's place.
  const previous = (await vault.list(owner))
    .filter((m) => m.kind === "api_key" && m.providerId === provider.id)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (previous) {
    const replaced = await vault.replace(previous.id, { secret: { kind: "api_key", fields }, details }, owner);
    if (replaced.outcome === "replaced") {
      await eventLog.appendCredentialEvent("credential.renewed", owner, replaced.metadata);
      return { metadata: replaced.metadata, replaced: true };
    }
    if (replaced.outcome === "changed")
      throw new ApiError(
        409,
        "credential_changed",
        `Credential ${previous.id} was changed meanwhile; send the key again`,
      );
    // Deleted meanwhile: store a new one.
  }
  const sealed = await vault.seal({ secret: { kind: "api_key", fields }, owner, providerId: provider.id, details });
  return { metadata: sealed, replaced: false };
}
