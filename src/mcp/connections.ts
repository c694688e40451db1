import type { Subject } from "../core/subject.ts";
import type { Cookie } from "../credentials/captured-state.ts";
import type { CredentialAccess } from "../credentials/credential-audit.ts";
import type { CredentialMetadata } from "../credentials/credential-metadata-schema.ts";
import type { CredentialVault } from "../credentials/credential-vault.ts";
import type { ProviderRegistry } from "../providers/provider-registry.ts";
import type { Provider } from "../providers/provider-schema.ts";

/** What the tools say of a user's connection to one provider. */
export type ConnectionStatus = "connected" | "unverified" | "expired" | "needs_reauth" | "not_connected";

export interface ConnectionView {
  providerId: string;
  providerName: string;
  authMethod: Provider["kind"];
  status: ConnectionStatus;
  /** The provider declares an API that call_api may reach. */
  callable: boolean;
  credentialId?: string;
  version?: number;
  lastVerifiedAt?: string | null;
  expiresAt?: string | null;
}

/** A usable credential, opened: what call_api puts on a request and use_connection hands over. */
export type OpenedCredential =
  | { authMethod: "browser_login"; cookies: Cookie[]; storageState: unknown }
  | { authMethod: "oauth2"; accessToken: string; tokenType: string; expiresAt: string | null; scopes: string[] }
  | { authMethod: "api_key"; fields: Record<string, string> };

/** OAuth2 access tokens (oauth2/), refreshed when due; audited there under `oauth2_access_token`. */
export type AccessTokenSource = (
  id: string,
  subject: Subject,
  access: Omit<CredentialAccess, "purpose">,
) => Promise<{ accessToken: string; tokenType: string; expiresAt: string | null; scopes: string[] }>;

export interface Connections {
  list(subject: Subject): Promise<ConnectionView[]>;
  /** The provider and the subject's connection to it; undefined for an unknown provider. */
  find(subject: Subject, providerId: string): Promise<{ provider: Provider; view: ConnectionView } | undefined>;
  /** Decrypts the connection's credential (written to its audit trail first); undefined when it is gone. */
  open(
    subject: Subject,
    view: ConnectionView,
    access: Omit<CredentialAccess, "purpose"> & { purpose: string },
  ): Promise<OpenedCredential | undefined>;
}

const STATUS: Record<CredentialMetadata["status"], ConnectionStatus> = {
  active: "connected",
  inconclusive: "unverified",
  expired: "expired",
  needs_reauth: "needs_reauth",
};

/** A connection the tools may use: connected, or unverified (the credential's last check could not tell: inconclusive). */
export const usable = (view: ConnectionView) => view.status === "connected" || view.status === "unverified";

/**
 * The subject's connections as the MCP tools see them, one per provider: the most recently updated
 * credential that works, else the most recent one (whose status says why it does not), as the agent
 * contract's requireCredential picks.
 */
export function createConnections({
  providers,
  vault,
  accessToken,
}: {
  providers: ProviderRegistry;
  vault: CredentialVault;
  accessToken?: AccessTokenSource;
}): Connections {
  function viewOf(provider: Provider, credentials: CredentialMetadata[]): ConnectionView {
    const mine = credentials
      .filter((c) => c.providerId === provider.id)
      .sort((a, b) => (b.updatedAt ?? "").localeCompare(a.updatedAt ?? ""));
    const chosen = mine.find((c) => c.status === "active" || c.status === "inconclusive") ?? mine[0];
    return {
      providerId: provider.id,
      providerName: provider.name,
      authMethod: provider.kind,
      status: chosen ? STATUS[chosen.status] : "not_connected",
      callable: provider.api !== undefined,
      ...(chosen
        ? {
            credentialId: chosen.id,
            version: chosen.version,
            lastVerifiedAt: chosen.lastVerifiedAt ?? null,
            expiresAt: (chosen.expiresAt as string | null | undefined) ?? null,
          }
        : {}),
    };
  }

  return {
    async list(subject) {
      const credentials = await vault.list(subject);
      return providers.list().map((provider) => viewOf(provider, credentials));
    },
    async find(subject, providerId) {
      const provider = providers.get(providerId);
      if (!provider) return undefined;
      return { provider, view: viewOf(provider, await vault.list(subject)) };
    },
    async open(subject, view, { purpose, ...access }) {
      if (!view.credentialId) return undefined;
      if (view.authMethod === "oauth2") {
        if (!accessToken) return undefined;
        return { authMethod: "oauth2", ...(await accessToken(view.credentialId, subject, access)) };
      }
      const opened = await vault.open(view.credentialId, subject, { purpose, ...access });
      const secret = opened?.secret;
      if (secret?.kind === "browser_login")
        return { authMethod: "browser_login", cookies: secret.state.cookies, storageState: secret.state };
      if (secret?.kind === "api_key") return { authMethod: "api_key", fields: secret.fields };
      return undefined;
    },
  };
}
