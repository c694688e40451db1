import type { ConnectLinks } from "../connect/connect-links.ts";
import type { Provider } from "../providers/provider-schema.ts";
import type { ConnectRequests } from "./connect-requests.ts";
import type { McpPrincipal } from "./mcp-principal.ts";

/**
 * The URL an MCP client shows its user to connect a provider. The specification asks that it not be
 * pre-authenticated and that the server check that whoever opens it is the user the request was for:
 *
 * - a caller with an access token of MCP_AUTH_ISSUER gets `/mcp/connect/<request>`, where the person
 *   signs in at that same server and goes on only as the token's own user (connect-sign-in-routes.ts);
 * - a caller with a service key (a trusted deployment) gets a connect link for its subject and that
 *   provider, through the app's own page when MCP_CONNECT_PAGE_URL is set: the app checks its signed-in
 *   user and adds the connect check (CONNECT_VERIFIER_KEY) before sending them on. Without both, the
 *   link is a bearer link for its first browser, as any connect link.
 */
export interface ConnectUrls {
  /** `ref` names what was minted, to withdraw it. */
  mint(principal: McpPrincipal, provider: Provider): Promise<{ url: string; ref: string; expiresAt: string }>;
  /** The person declined: the URL stops working. */
  withdraw(principal: McpPrincipal, ref: string): Promise<void>;
  /** Whether the URL still leads somewhere: a used-up MCP connect request does not (a connect link stays its browser's). */
  stillOpen(ref: string): Promise<boolean>;
}

export function createConnectUrls(deps: {
  requests?: ConnectRequests;
  links: ConnectLinks;
  ttlMs: number;
  publicUrl: () => string;
  appPage?: string;
}): ConnectUrls {
  const base = () => deps.publicUrl().replace(/\/+$/, "");
  return {
    async mint(principal, provider) {
      if (principal.via === "oauth") {
        if (!deps.requests) throw new Error("an access token was accepted without an authorization server");
        const minted = await deps.requests.mint({
          subject: principal.subject,
          providerId: provider.id,
          clientId: principal.clientId,
        });
        return { url: `${base()}/mcp/connect/${minted.token}`, ref: minted.id, expiresAt: minted.expiresAt };
      }
      const minted = await deps.links.mint(
        {
          subject: principal.subject,
          providers: [provider.id],
          message: `Your agent asks you to connect ${provider.name}.`,
        },
        deps.ttlMs,
      );
      const link = `${base()}/connect/${minted.token}`;
      const url = deps.appPage
        ? `${deps.appPage}${deps.appPage.includes("?") ? "&" : "?"}${new URLSearchParams({ connect: link, link: minted.id })}`
        : link;
      return { url, ref: minted.id, expiresAt: minted.expiresAt };
    },
    async withdraw(principal, ref) {
      if (ref.startsWith("mcr_")) await deps.requests?.consume(ref);
      else await deps.links.revoke(ref, principal.subject);
    },
    async stillOpen(ref) {
      return !ref.startsWith("mcr_") || (await deps.requests?.get(ref)) !== undefined;
    },
  };
}
