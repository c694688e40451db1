import * as oidc from "openid-client";
import type { Subject } from "../core/subject.ts";
import { ApiError } from "../http/errors.ts";
import type { OAuth2Provider } from "../providers/provider-schema.ts";
import type { OAuth2Client, OAuth2ClientConfigs } from "./client-configs/oauth2-client-configs.ts";

/** Which client a flow or a credential uses: the organisation's own (PUT /oauth2/clients/:providerId) or the provider's. */
export type ClientSource = "org" | "provider";

/** How long one request to an authorization server may take. */
const REQUEST_TIMEOUT_SECONDS = 10;

/**
 * openid-client configurations for OAuth2 providers: the server's metadata (discovered once per
 * issuer and kept, or built from the provider's endpoints) with the client that applies to a subject.
 */
export interface OAuth2ServerConfigs {
  /** The organisation's client when it set one, else the provider's; 409 oauth2_client_not_configured when neither exists. */
  forSubject(
    provider: OAuth2Provider,
    subject: Subject,
    source?: ClientSource,
  ): Promise<{ config: oidc.Configuration; source: ClientSource }>;
  /** A configuration for an explicit client (tests, benchmarks). */
  forClient(provider: OAuth2Provider, client: OAuth2Client): Promise<oidc.Configuration>;
}

const isLoopbackHttp = (url: string) => new URL(url).protocol === "http:";

export function createOAuth2ServerConfigs(clientConfigs: OAuth2ClientConfigs): OAuth2ServerConfigs {
  const discovered = new Map<string, Promise<oidc.ServerMetadata>>();

  function metadataOf(provider: OAuth2Provider): Promise<oidc.ServerMetadata> {
    if (!provider.issuer) {
      return Promise.resolve({
        // Not an OpenID provider: the authorization endpoint's origin stands for the issuer (no ID token is checked).
        issuer: new URL(provider.authorizationEndpoint!).origin,
        authorization_endpoint: provider.authorizationEndpoint,
        token_endpoint: provider.tokenEndpoint,
        revocation_endpoint: provider.revocationEndpoint,
      });
    }
    const issuer = provider.issuer;
    let found = discovered.get(issuer);
    if (!found) {
      found = oidc
        .discovery(new URL(issuer), "discovery", undefined, undefined, {
          execute: isLoopbackHttp(issuer) ? [oidc.allowInsecureRequests] : [],
          timeout: REQUEST_TIMEOUT_SECONDS,
        })
        .then((config) => config.serverMetadata());
      // A failed discovery is tried again by the next request rather than remembered.
      found.catch(() => discovered.delete(issuer));
      discovered.set(issuer, found);
    }
    return found.then((metadata) => ({
      ...metadata,
      ...(provider.authorizationEndpoint ? { authorization_endpoint: provider.authorizationEndpoint } : {}),
      ...(provider.tokenEndpoint ? { token_endpoint: provider.tokenEndpoint } : {}),
      ...(provider.revocationEndpoint ? { revocation_endpoint: provider.revocationEndpoint } : {}),
    }));
  }

  // Kept per provider object (a providers reload makes new ones) and client: openid-client caches the
  // server's signing keys (JWKS) on a configuration, and ID tokens in refresh answers are checked against them.
  const configurations = new WeakMap<OAuth2Provider, Map<string, Promise<oidc.Configuration>>>();

  function forClient(provider: OAuth2Provider, client: OAuth2Client): Promise<oidc.Configuration> {
    let ofProvider = configurations.get(provider);
    if (!ofProvider) {
      ofProvider = new Map();
      configurations.set(provider, ofProvider);
    }
    const key = `${client.clientId}\u0000${client.clientSecret ?? ""}`;
    let found = ofProvider.get(key);
    if (!found) {
      found = buildConfiguration(provider, client);
      found.catch(() => ofProvider.delete(key));
      ofProvider.set(key, found);
    }
    return found;
  }

  async function buildConfiguration(provider: OAuth2Provider, { clientId, clientSecret }: OAuth2Client) {
    const metadata = await metadataOf(provider).catch((error: Error) => {
      throw new ApiError(
        502,
        "oauth2_discovery_failed",
        `Could not read the OpenID configuration of ${provider.id}: ${error.message}`,
      );
    });
    const auth = !clientSecret
      ? oidc.None()
      : provider.tokenEndpointAuthMethod === "client_secret_basic"
        ? oidc.ClientSecretBasic(clientSecret)
        : oidc.ClientSecretPost(clientSecret);
    const config = new oidc.Configuration(metadata, clientId, undefined, auth);
    config.timeout = REQUEST_TIMEOUT_SECONDS;
    if ([metadata.token_endpoint, metadata.authorization_endpoint].some((u) => u && isLoopbackHttp(u)))
      oidc.allowInsecureRequests(config);
    return config;
  }

  return {
    forClient,
    async forSubject(provider, subject, source) {
      const own =
        subject.orgId && source !== "provider" ? await clientConfigs.open(subject.orgId, provider.id) : undefined;
      if (own) return { config: await forClient(provider, own), source: "org" };
      if (source !== "org" && provider.clientId)
        return {
          config: await forClient(provider, { clientId: provider.clientId, clientSecret: provider.clientSecret }),
          source: "provider",
        };
      throw new ApiError(
        409,
        "oauth2_client_not_configured",
        source === "org"
          ? `The organisation's OAuth client for ${provider.id} is no longer set: set it again (PUT /oauth2/clients/${provider.id}) or reconnect`
          : `No OAuth client is configured for ${provider.id}: the operator gives clientId in the providers file, or an organisation admin sets one (PUT /oauth2/clients/${provider.id})`,
      );
    },
  };
}
