import { OAuthError, OAuthErrorCode, type OAuthTokenVerifier } from "@modelcontextprotocol/server";
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { type Subject, subjectSchema } from "../core/subject.ts";
import { authInfoOf } from "./mcp-principal.ts";

/** The signature algorithms an access token may use (never "none", never a MAC the server could not keep secret). */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
/** How long one request to the authorization server may take. */
const TIMEOUT_SECONDS = 5;

export interface AuthorizationServerOptions {
  /** MCP_AUTH_ISSUER, exactly as its metadata names itself. */
  issuer: string;
  /** This service's client there, for the connect page's sign-in. */
  connectClient: { id: string; secret: string };
  /** The MCP endpoint's URL (PUBLIC_URL/mcp): access tokens must name it in `aud` (RFC 8707, RFC 9068). */
  resource: () => string;
  /** MCP_SUBJECT_ORG_CLAIM: the claim that holds the organisation. */
  orgClaim?: string;
}

/**
 * The operator's authorization server, as the MCP endpoint and the connect page use it: its metadata
 * (discovered once; a failed discovery is tried again by the next request), access-token verification
 * against its keys, and the client the connect page signs people in with. A person and an access token
 * map to a subject the same way (`sub`, and the organisation claim), so that a connect link made for
 * an access token's user opens only for the same person.
 */
export interface AuthorizationServer {
  readonly issuer: string;
  /** The openid-client configuration of this service's connect client. */
  connectClient(): Promise<oidc.Configuration>;
  /** The SDK's verifier: an MCP principal in AuthInfo, or OAuthError(invalid_token). */
  verifier: OAuthTokenVerifier;
  subjectOf(claims: Record<string, unknown>): Subject | undefined;
}

export function createAuthorizationServer(options: AuthorizationServerOptions): AuthorizationServer {
  const { issuer } = options;
  let discovered: Promise<oidc.Configuration> | undefined;
  const connectClient = () => {
    if (!discovered) {
      discovered = oidc.discovery(
        new URL(issuer),
        options.connectClient.id,
        options.connectClient.secret,
        oidc.ClientSecretPost(options.connectClient.secret),
        {
          // http only on loopback (settings refuse it elsewhere): tests and local development.
          execute: new URL(issuer).protocol === "http:" ? [oidc.allowInsecureRequests] : [],
          timeout: TIMEOUT_SECONDS,
        },
      );
      discovered.catch(() => {
        discovered = undefined;
      });
    }
    return discovered;
  };
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keySet = async () => {
    if (keys) return keys;
    const jwksUri = (await connectClient()).serverMetadata().jwks_uri;
    if (!jwksUri) throw new OAuthError(OAuthErrorCode.ServerError, "The authorization server publishes no jwks_uri");
    // Cached; fetched again for an unknown key id (the server rotated its keys), at most every 30 s.
    keys = createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: 30_000,
      timeoutDuration: TIMEOUT_SECONDS * 1000,
    });
    return keys;
  };

  const subjectOf = (claims: Record<string, unknown>): Subject | undefined => {
    const org = options.orgClaim ? claims[options.orgClaim] : undefined;
    const parsed = subjectSchema.safeParse({ userId: claims.sub, ...(typeof org === "string" ? { orgId: org } : {}) });
    return parsed.success ? parsed.data : undefined;
  };

  return {
    issuer,
    connectClient,
    subjectOf,
    verifier: {
      async verifyAccessToken(token) {
        let payload: JWTPayload;
        try {
          ({ payload } = await jwtVerify(token, await keySet(), {
            issuer,
            audience: options.resource(),
            // RFC 9068: an ID token or any other JWT the same server signs is not an access token.
            typ: "at+jwt",
            algorithms: ALGORITHMS,
            requiredClaims: ["sub", "exp"],
            clockTolerance: 5,
          }));
        } catch (error) {
          if (error instanceof joseErrors.JOSEError)
            throw new OAuthError(OAuthErrorCode.InvalidToken, `The access token is not valid (${error.code})`);
          throw error;
        }
        const clientId = [payload.client_id, payload.azp].find((v): v is string => typeof v === "string");
        const subject = subjectOf(payload);
        if (!clientId || !subject)
          throw new OAuthError(OAuthErrorCode.InvalidToken, "The access token names no client or no valid subject");
        const scopes =
          typeof payload.scope === "string"
            ? payload.scope.split(" ").filter(Boolean)
            : Array.isArray(payload.scp)
              ? payload.scp.filter((s): s is string => typeof s === "string")
              : [];
        const info = authInfoOf({ subject, clientId, via: "oauth", scopes }, token, payload.exp);
        // jwtVerify required our URL in `aud`; said again for the SDK's own resource comparison.
        return { ...info, resource: new URL(options.resource()) };
      },
    },
  };
}
