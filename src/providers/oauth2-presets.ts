/**
 * OAuth2 definitions of common services, as data. An operator enables one with a providers-file entry
 * naming it and giving the client: `{ "kind": "oauth2", "id": "github", "preset": "github",
 * "clientId": "${GITHUB_CLIENT_ID}", "clientSecret": "${GITHUB_CLIENT_SECRET}" }`. Fields of the entry
 * override the preset's (scopes replace the default scopes; authorizationParams are merged).
 * Sources: each service's OAuth documentation. Google is discovered from its OpenID issuer; the others
 * give endpoints, since their issuers are per tenant (Microsoft) or they are not OpenID providers.
 */
export const OAUTH2_PRESETS = {
  github: {
    name: "GitHub",
    authorizationEndpoint: "https://github.com/login/oauth/authorize",
    tokenEndpoint: "https://github.com/login/oauth/access_token",
    scopes: ["read:user"],
    // GitHub PKCE: supported since 2025; no RFC 7009 endpoint (revoking is a Basic-auth DELETE on api.github.com).
  },
  google: {
    name: "Google",
    issuer: "https://accounts.google.com",
    revocationEndpoint: "https://oauth2.googleapis.com/revoke",
    scopes: ["openid", "email", "profile"],
    // A refresh token only with offline access, and again on each consent only when asked to prompt.
    authorizationParams: { access_type: "offline", prompt: "consent" },
  },
  slack: {
    name: "Slack",
    authorizationEndpoint: "https://slack.com/oauth/v2/authorize",
    tokenEndpoint: "https://slack.com/api/oauth.v2.access",
    scopes: ["users:read"],
    pkce: false,
  },
  microsoft: {
    name: "Microsoft",
    authorizationEndpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    tokenEndpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    // offline_access: without it Microsoft issues no refresh token.
    scopes: ["offline_access", "User.Read"],
  },
  notion: {
    name: "Notion",
    authorizationEndpoint: "https://api.notion.com/v1/oauth/authorize",
    tokenEndpoint: "https://api.notion.com/v1/oauth/token",
    scopes: [],
    authorizationParams: { owner: "user" },
    pkce: false,
    tokenEndpointAuthMethod: "client_secret_basic",
  },
  linear: {
    name: "Linear",
    authorizationEndpoint: "https://linear.app/oauth/authorize",
    tokenEndpoint: "https://api.linear.app/oauth/token",
    revocationEndpoint: "https://api.linear.app/oauth/revoke",
    scopes: ["read"],
  },
  atlassian: {
    name: "Atlassian",
    authorizationEndpoint: "https://auth.atlassian.com/authorize",
    tokenEndpoint: "https://auth.atlassian.com/oauth/token",
    scopes: ["read:me", "offline_access"],
    authorizationParams: { audience: "api.atlassian.com", prompt: "consent" },
  },
} as const satisfies Record<string, OAuth2Preset>;

export interface OAuth2Preset {
  name: string;
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  revocationEndpoint?: string;
  scopes: readonly string[];
  pkce?: boolean;
  tokenEndpointAuthMethod?: "client_secret_post" | "client_secret_basic";
  authorizationParams?: Readonly<Record<string, string>>;
}

export type OAuth2PresetId = keyof typeof OAUTH2_PRESETS;
export const OAUTH2_PRESET_IDS = Object.keys(OAUTH2_PRESETS) as [OAuth2PresetId, ...OAuth2PresetId[]];

/** A providers-file entry with its preset's fields filled in (the entry's own fields win). */
export function applyPreset(entry: Record<string, unknown>): Record<string, unknown> {
  const presetId = entry.preset;
  if (typeof presetId !== "string" || !(presetId in OAUTH2_PRESETS)) return entry;
  const preset: OAuth2Preset = OAUTH2_PRESETS[presetId as OAuth2PresetId];
  const params =
    entry.authorizationParams && typeof entry.authorizationParams === "object" ? entry.authorizationParams : {};
  return {
    ...preset,
    scopes: [...preset.scopes],
    ...entry,
    authorizationParams: { ...preset.authorizationParams, ...params },
  };
}
