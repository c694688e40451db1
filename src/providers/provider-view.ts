import { z } from "zod";
import {
  type ApiKeyProvider,
  apiKeyProviderSchema,
  browserLoginProviderSchema,
  oauth2ProviderSchema,
  type Provider,
} from "./provider-schema.ts";

const browserLogin = browserLoginProviderSchema.shape;
const field = apiKeyProviderSchema.shape.fields.element.shape;

/** An API-key provider's field as a form shows it: `secret` ones masked. */
export const apiKeyFieldViewSchema = z.object({
  name: field.name,
  label: field.label,
  helpText: field.helpText,
  helpUrl: field.helpUrl,
  secret: z.boolean(),
});
export type ApiKeyFieldView = z.infer<typeof apiKeyFieldViewSchema>;
export const apiKeyFieldViews = (provider: ApiKeyProvider): ApiKeyFieldView[] =>
  provider.fields.map(({ name, label, helpText, helpUrl, secret }) => ({ name, label, helpText, helpUrl, secret }));

/** A provider as apps see it (`GET /providers`): what to offer the user and how they connect; no endpoint secret. */
export const providerViewSchema = z
  .discriminatedUnion("kind", [
    z
      .object({
        id: browserLogin.id,
        name: browserLogin.name,
        kind: browserLogin.kind,
        captureOn: z.enum(["authenticated", "complete"]),
        usage: z
          .enum(["restore", "live"])
          .describe(
            "`restore`: restore the captured state in your browser (check it in when done); `live`: the site needs a live page, so the worker keeps the logged-in browser open (`keepAlive`) and you drive it over DevTools",
          ),
        keepAliveMs: z.number().optional().describe("live: how long the worker keeps the browser open at most"),
      })
      .meta({ id: "BrowserLoginProvider" }),
    z
      .object({
        id: browserLogin.id,
        name: browserLogin.name,
        kind: oauth2ProviderSchema.shape.kind,
        scopes: z.array(z.string()),
      })
      .meta({ id: "OAuth2Provider" }),
    z
      .object({
        id: browserLogin.id,
        name: browserLogin.name,
        kind: apiKeyProviderSchema.shape.kind,
        fields: z.array(apiKeyFieldViewSchema),
        validated: z
          .boolean()
          .describe("A wrong key is refused when submitted (the provider's validation request runs first)"),
      })
      .meta({ id: "ApiKeyProvider" }),
  ])
  .meta({ id: "Provider" });

export type ProviderView = z.infer<typeof providerViewSchema>;

export function providerView(provider: Provider): ProviderView {
  const { id, name } = provider;
  switch (provider.kind) {
    case "browser_login":
      return {
        id,
        name,
        kind: provider.kind,
        captureOn: provider.captureOn,
        usage: provider.keepAlive ? "live" : "restore",
        ...(provider.keepAlive ? { keepAliveMs: provider.keepAlive.maxTime } : {}),
      };
    case "oauth2":
      return { id, name, kind: provider.kind, scopes: provider.scopes };
    case "api_key":
      // The validation request itself stays server-side.
      return {
        id,
        name,
        kind: provider.kind,
        fields: apiKeyFieldViews(provider),
        validated: provider.validation !== undefined,
      };
  }
}
