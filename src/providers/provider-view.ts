import type { Provider } from "./provider-schema.js";

/** A provider as apps see it (`GET /providers`): what to offer the user and how they connect; no endpoint secret. */
export function providerView(provider: Provider) {
  const { id, name } = provider;
  switch (provider.kind) {
    case "browser_login":
      return { id, name, kind: provider.kind, captureOn: provider.captureOn };
    case "oauth2":
      return { id, name, kind: provider.kind, scopes: provider.scopes };
    case "api_key":
      // `validated`: a wrong key is refused when submitted (the validation request itself stays server-side).
      return { id, name, kind: provider.kind, fields: provider.fields.map(({ name, label, helpText, helpUrl, secret }) => ({ name, label, helpText, helpUrl, secret })), validated: provider.validation !== undefined };
  }
}
