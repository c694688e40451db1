import type { AuthInfo } from "@modelcontextprotocol/server";
import { ownerKey, type Subject } from "../core/subject.ts";

/**
 * Who calls the MCP server: the user it acts for (a subject, as on the REST API) and the client that
 * acts for them. Every tool works for this subject only, and every use of a credential names the client.
 */
export interface McpPrincipal {
  subject: Subject;
  /** The OAuth client (the access token's client_id, or azp), or the service key's id (key_…). */
  clientId: string;
  /** How the caller proved itself: an access token of MCP_AUTH_ISSUER, or a service key with subject headers. */
  via: "oauth" | "service_key";
  /** The access token's scopes (a service key has none, and needs none). */
  scopes: string[];
}

const EXTRA = "browserLoginCapturePrincipal";

/** The SDK's AuthInfo for a principal: what the transport hands the per-request server factory. */
export function authInfoOf(principal: McpPrincipal, token: string, expiresAt?: number): AuthInfo {
  return {
    token,
    clientId: principal.clientId,
    scopes: principal.scopes,
    ...(expiresAt ? { expiresAt } : {}),
    extra: { [EXTRA]: principal },
  };
}

export function principalOf(authInfo: AuthInfo | undefined): McpPrincipal | undefined {
  return authInfo?.extra?.[EXTRA] as McpPrincipal | undefined;
}

/** Binds a tool call's requestState to its caller: state minted for one principal does not verify for another. */
export function principalKey(principal: McpPrincipal): string {
  return `${principal.via}\u0000${principal.clientId}\u0000${ownerKey(principal.subject)}`;
}
