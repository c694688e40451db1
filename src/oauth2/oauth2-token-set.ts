import type { TokenEndpointResponse } from "openid-client";
import type { OAuth2Tokens } from "../credentials/credential-secret.ts";

/**
 * A token endpoint response as the vault keeps it. A refresh response without a refresh token keeps
 * the previous one (servers that do not rotate); one without a scope keeps the granted scope.
 */
export function tokenSetFrom(response: TokenEndpointResponse, previous?: OAuth2Tokens, now = Date.now()): OAuth2Tokens {
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  const scope = response.scope ?? previous?.scope;
  const idToken = response.id_token ?? previous?.idToken;
  return {
    accessToken: response.access_token,
    // Case-insensitive (RFC 6750); openid-client lowercases it, apps put it in an Authorization header as is.
    tokenType: !response.token_type || response.token_type.toLowerCase() === "bearer" ? "Bearer" : response.token_type,
    expiresAt:
      typeof response.expires_in === "number" ? new Date(now + response.expires_in * 1000).toISOString() : null,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(scope !== undefined ? { scope } : {}),
    ...(idToken !== undefined ? { idToken } : {}),
  };
}
