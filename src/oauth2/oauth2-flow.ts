import * as oidc from "openid-client";
import type { Logger } from "pino";
import type { Subject } from "../core/subject.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import { ApiError } from "../http/errors.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { OAuth2Provider } from "../providers/provider-schema.ts";
import type { OAuth2ServerConfigs } from "./oauth2-server-config.ts";
import type { OAuth2States } from "./oauth2-states.ts";
import { tokenSetFrom } from "./oauth2-token-set.ts";

/** How a callback ended, for the page that tells the opener. `returnOrigin` only when the state was ours. */
export type CallbackOutcome =
  | { ok: true; credentialId: string; providerId: string; returnOrigin?: string }
  | { ok: false; code: string; message: string; returnOrigin?: string };

export interface OAuth2Flow {
  start(
    subject: Subject,
    input: { providerId: string; returnOrigin?: string; metadata?: Record<string, unknown> },
  ): Promise<{ authorizationUrl: string; expiresAt: string }>;
  /** Handles the browser coming back; never throws (every failure is an outcome the page explains). */
  callback(url: URL): Promise<CallbackOutcome>;
  /** Forgets an authorization not yet come back (its `state`): its callback then finds nothing. */
  forget(state: string): Promise<void>;
}

export interface FlowDeps {
  providers: ProviderRegistry;
  states: OAuth2States;
  servers: OAuth2ServerConfigs;
  vault: CredentialVault;
  /** The service's public base URL (PUBLIC_URL): the redirect URI is it + /oauth2/callback. */
  publicUrl: () => string;
  /** Origins the callback page may post its result to (OAUTH2_RETURN_ORIGINS); the service's own (publicUrl's) always may. */
  returnOrigins: readonly string[];
  logger: Logger;
}

/** Messages for the errors a provider sends back (RFC 6749 §4.1.2.1); others get the provider's own description. */
const PROVIDER_ERRORS: Record<string, string> = {
  access_denied: "The connection was not allowed: consent was declined on the provider's page.",
  unauthorized_client: "The provider does not accept this application's OAuth client for this request.",
  invalid_scope: "The provider refused the requested scopes.",
  server_error: "The provider failed while handling the request; try again.",
  temporarily_unavailable: "The provider is temporarily unavailable; try again shortly.",
};

export function oauth2ProviderOf(providers: ProviderRegistry, providerId: string): OAuth2Provider {
  const provider = providers.get(providerId);
  if (!provider) throw new ApiError(404, "provider_not_found", `No provider ${providerId}`);
  if (provider.kind !== "oauth2")
    throw new ApiError(409, "wrong_provider_kind", `Provider ${providerId} is a ${provider.kind} provider, not oauth2`);
  return provider;
}

export function createOAuth2Flow({
  providers,
  states,
  servers,
  vault,
  publicUrl,
  returnOrigins,
  logger,
}: FlowDeps): OAuth2Flow {
  const redirectUri = () => new URL("/oauth2/callback", publicUrl()).toString();

  return {
    async start(subject, { providerId, returnOrigin, metadata }) {
      const provider = oauth2ProviderOf(providers, providerId);
      // The service's own origin holds only its own pages (the connect page): the operator need not list it.
      if (
        returnOrigin !== undefined &&
        !returnOrigins.includes(returnOrigin) &&
        returnOrigin !== new URL(publicUrl()).origin
      ) {
        throw new ApiError(
          422,
          "return_origin_not_allowed",
          `${returnOrigin} is not an allowed return origin (OAUTH2_RETURN_ORIGINS, or the service's own)`,
        );
      }
      const { config, source } = await servers.forSubject(provider, subject);
      const codeVerifier = provider.pkce ? oidc.randomPKCECodeVerifier() : undefined;
      const { state, expiresAt } = await states.create({
        subject,
        providerId,
        clientSource: source,
        codeVerifier,
        redirectUri: redirectUri(),
        returnOrigin,
        metadata,
      });
      const params: Record<string, string> = {
        ...provider.authorizationParams,
        redirect_uri: redirectUri(),
        response_type: "code",
        state,
        ...(provider.scopes.length ? { scope: provider.scopes.join(" ") } : {}),
        ...(codeVerifier
          ? { code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: "S256" }
          : {}),
      };
      return { authorizationUrl: oidc.buildAuthorizationUrl(config, params).toString(), expiresAt };
    },

    async forget(state) {
      await states.consume(state);
    },

    async callback(url) {
      const state = url.searchParams.get("state") ?? "";
      const flow = await states.consume(state).catch(() => undefined);
      if (!flow) {
        return {
          ok: false,
          code: "state_invalid",
          message:
            "This sign-in link is unknown, has expired or was already used. Start the connection again from the application.",
        };
      }
      const { returnOrigin, providerId } = flow;
      const fail = (code: string, message: string): CallbackOutcome => {
        logger.info({ providerId, code }, "oauth2 connection failed");
        return { ok: false, code, message, returnOrigin };
      };
      const providerError = url.searchParams.get("error");
      if (providerError) {
        // The provider's description is shown as text on our page; it never carries a token.
        const description = url.searchParams.get("error_description")?.slice(0, 300);
        return fail(
          providerError.slice(0, 64),
          PROVIDER_ERRORS[providerError] ??
            `The provider refused the connection${description ? `: ${description}` : "."}`,
        );
      }
      try {
        const provider = oauth2ProviderOf(providers, providerId);
        const { config, source } = await servers.forSubject(provider, flow.subject, flow.clientSource);
        // The callback URL as the provider was told it, whatever address this process was reached on.
        const current = new URL(flow.redirectUri);
        current.search = url.search;
        const response = await oidc.authorizationCodeGrant(config, current, {
          expectedState: state,
          ...(flow.codeVerifier ? { pkceCodeVerifier: flow.codeVerifier } : {}),
          idTokenExpected: provider.issuer !== undefined && provider.scopes.includes("openid"),
        });
        const tokens = tokenSetFrom(response);
        const metadata = await vault.seal({
          secret: { kind: "oauth2", tokens },
          owner: flow.subject,
          providerId,
          details: {
            oauth2Client: source,
            refreshable: tokens.refreshToken !== undefined,
            ...(flow.metadata ? { clientMetadata: flow.metadata } : {}),
            ...(tokens.scope === undefined ? { scopes: provider.scopes } : {}),
          },
        });
        logger.info({ providerId, credentialId: metadata.id }, "oauth2 connection stored");
        return { ok: true, credentialId: metadata.id, providerId, returnOrigin };
      } catch (error) {
        if (error instanceof ApiError) return fail(error.code, error.message);
        if (error instanceof oidc.ResponseBodyError) {
          return fail(
            error.error,
            error.error === "invalid_client"
              ? "The provider refused this application's OAuth client (wrong client id or secret)."
              : `The provider refused the code exchange (${error.error}).`,
          );
        }
        logger.warn(
          { providerId, err: { name: (error as Error).name, message: (error as Error).message } },
          "oauth2 code exchange failed",
        );
        return fail(
          "code_exchange_failed",
          "The provider could not be reached, or answered in a way we could not use. Try again.",
        );
      }
    },
  };
}
