import * as oidc from "openid-client";
import type { Logger } from "pino";
import type { Subject } from "../core/subject.ts";
import type { CredentialAccess } from "../credentials/credential-audit.ts";
import type { RevocationOutcome } from "../credentials/credential-deletion.ts";
import type { CredentialEvents } from "../credentials/credential-events.ts";
import type { CredentialMetadata } from "../credentials/credential-metadata-schema.ts";
import { credentialOfKind } from "../credentials/credential-of-kind.ts";
import type { OAuth2Tokens } from "../credentials/credential-secret.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { ApiError } from "../http/errors.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import { oauth2ProviderOf } from "./oauth2-flow.ts";
import type { ClientSource, OAuth2ServerConfigs } from "./oauth2-server-config.ts";
import { tokenSetFrom } from "./oauth2-token-set.ts";
import { classifyProviderError, withProviderRetries } from "./provider-error.ts";
import type { RefreshLock } from "./refresh-lock.ts";

export interface AccessTokenAnswer {
  credentialId: string;
  accessToken: string;
  tokenType: string;
  expiresAt: string | null;
  scopes: string[];
}

export interface OAuth2AccessTokens {
  /** A usable access token, refreshed first when it expires within the skew (or always, with `force`). */
  accessToken(
    id: string,
    subject: Subject,
    options: { force?: boolean; access: Omit<CredentialAccess, "purpose"> },
  ): Promise<AccessTokenAnswer>;
  /** RFC 7009 revocation of the credential's refresh token (else its access token), when the provider has an endpoint. */
  revoke(id: string, subject: Subject, access: Omit<CredentialAccess, "purpose">): Promise<RevocationOutcome>;
}

export interface AccessTokenDeps {
  vault: CredentialVault;
  events: CredentialEvents;
  providers: ProviderRegistry;
  servers: OAuth2ServerConfigs;
  lock: RefreshLock;
  /** Refresh a token this long before it expires. */
  skewMs: number;
  /** How long a caller waits for another process's refresh before answering 503 refresh_in_progress. */
  waitMs: number;
  retry: { attempts: number; baseMs: number };
  logger: Logger;
}

/** How often a caller waiting on another process's refresh looks at the credential again. */
const WAIT_POLL_MS = 20;

const needsReauth = (id: string) =>
  new ApiError(
    409,
    "needs_reauth",
    `The provider no longer accepts credential ${id}'s refresh token: the user must connect again (POST /oauth2/start)`,
  );

export function createOAuth2AccessTokens({
  vault,
  events,
  providers,
  servers,
  lock,
  skewMs,
  waitMs,
  retry,
  logger,
}: AccessTokenDeps): OAuth2AccessTokens {
  async function describeOwn(id: string, subject: Subject) {
    return credentialOfKind(vault, id, subject, "oauth2", "it holds no OAuth2 token");
  }

  async function openTokens(
    id: string,
    subject: Subject,
    access: CredentialAccess,
  ): Promise<{ metadata: CredentialMetadata; tokens: OAuth2Tokens }> {
    const opened = await vault.open(id, subject, access);
    if (opened?.secret.kind !== "oauth2") throw new ApiError(404, "credential_not_found", `No credential ${id}`);
    return { metadata: opened.metadata, tokens: opened.secret.tokens };
  }

  async function serverFor(metadata: CredentialMetadata, subject: Subject) {
    const provider = oauth2ProviderOf(providers, metadata.providerId);
    return (await servers.forSubject(provider, subject, metadata.oauth2Client as ClientSource | undefined)).config;
  }

  /** Refreshes from the version the caller holds the lock for; the vault refuses the write if that version has moved on (fencing). */
  async function refresh(current: CredentialMetadata, subject: Subject, access: Omit<CredentialAccess, "purpose">) {
    const { tokens } = await openTokens(current.id, subject, { ...access, purpose: "oauth2_refresh" });
    if (!tokens.refreshToken) return markNeedsReauth(current.id, subject);
    const config = await serverFor(current, subject);
    let response: oidc.TokenEndpointResponse;
    try {
      response = await withProviderRetries(() => oidc.refreshTokenGrant(config, tokens.refreshToken!), retry);
    } catch (error) {
      const meaning = classifyProviderError(error);
      if (meaning.kind === "invalid_grant") return markNeedsReauth(current.id, subject);
      logger.warn(
        { credentialId: current.id, providerId: current.providerId, meaning },
        "oauth2 refresh failed; the stored tokens are kept",
      );
      if (meaning.kind === "transient")
        throw new ApiError(
          503,
          "provider_unavailable",
          `${current.providerId} did not answer the refresh; the stored tokens are kept: retry shortly`,
        );
      throw new ApiError(
        502,
        "refresh_refused",
        `${current.providerId} refused the refresh (${meaning.code}); the stored tokens are kept`,
      );
    }
    const next = tokenSetFrom(response, tokens);
    const result = await vault.replace(
      current.id,
      {
        secret: { kind: "oauth2", tokens: next },
        expectedVersion: current.version,
        details: { refreshable: next.refreshToken !== undefined },
      },
      subject,
    );
    if (result.outcome === "replaced")
      await events.appendCredentialEvent("credential.renewed", subject, result.metadata);
    // "changed": a holder whose lock had lapsed lost to a newer refresh; the newer tokens stay.
    else
      logger.warn(
        { credentialId: current.id, outcome: result.outcome },
        "oauth2 refresh not stored: the credential changed meanwhile",
      );
  }

  async function markNeedsReauth(id: string, subject: Subject): Promise<never> {
    const result = await vault.updateMetadata(id, () => ({ status: "needs_reauth" }), subject);
    if (result.outcome === "replaced")
      await events.appendCredentialEvent("credential.needs_reauth", subject, result.metadata);
    throw needsReauth(id);
  }

  const dueForRefresh = (m: CredentialMetadata) =>
    m.refreshable !== false && typeof m.expiresAt === "string" && Date.parse(m.expiresAt) - Date.now() <= skewMs;

  return {
    async accessToken(id, subject, { force = false, access }) {
      let seen = await describeOwn(id, subject);
      const startVersion = seen.version;
      const deadline = Date.now() + waitMs;
      for (;;) {
        if (seen.status === "needs_reauth") throw needsReauth(id);
        // One refresh since the call began is enough, whoever made it: a server whose tokens live
        // shorter than the skew would otherwise be asked again and again within one call.
        const due = seen.version === startVersion && (force || dueForRefresh(seen));
        if (!due) {
          const { metadata, tokens } = await openTokens(id, subject, { ...access, purpose: "oauth2_access_token" });
          if (metadata.status === "needs_reauth") throw needsReauth(id);
          return {
            credentialId: id,
            accessToken: tokens.accessToken,
            tokenType: tokens.tokenType,
            expiresAt: tokens.expiresAt,
            scopes: tokens.scope?.split(" ").filter(Boolean) ?? (metadata.scopes as string[] | undefined) ?? [],
          };
        }
        const release = await lock.acquire(id);
        if (release) {
          try {
            // Read again under the lock: the previous holder may have finished just now.
            const current = await describeOwn(id, subject);
            if (current.version === seen.version && current.status !== "needs_reauth")
              await refresh(current, subject, access);
          } finally {
            await release();
          }
        } else {
          if (Date.now() > deadline)
            throw new ApiError(
              503,
              "refresh_in_progress",
              `Another refresh of ${id} is taking longer than ${waitMs} ms; retry shortly`,
            );
          await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
        }
        seen = await describeOwn(id, subject);
      }
    },

    async revoke(id, subject, access) {
      const { metadata, tokens } = await openTokens(id, subject, { ...access, purpose: "oauth2_revoke" });
      try {
        const config = await serverFor(metadata, subject);
        if (!config.serverMetadata().revocation_endpoint) return { status: "not_supported" };
        // Revoking the refresh token ends the grant (RFC 7009 §2.1: its access tokens with it, where the server ties them).
        const [token, hint] = tokens.refreshToken
          ? [tokens.refreshToken, "refresh_token"]
          : [tokens.accessToken, "access_token"];
        await withProviderRetries(() => oidc.tokenRevocation(config, token, { token_type_hint: hint }), retry);
        return { status: "revoked" };
      } catch (error) {
        const code =
          error instanceof ApiError
            ? error.code
            : classifyProviderError(error).kind === "transient"
              ? "provider_unavailable"
              : "revocation_refused";
        logger.warn(
          { credentialId: id, providerId: metadata.providerId, code },
          "oauth2 revocation failed; deleting the credential anyway",
        );
        return {
          status: "failed",
          error: {
            code,
            message: `${metadata.providerId} did not confirm the revocation (${code}): the tokens may stay valid there until they expire`,
          },
        };
      }
    },
  };
}
