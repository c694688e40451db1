import { z } from "zod";
import { canonicalLocale, canonicalTimeZone } from "../core/locale.ts";
import { LOGIN_URL_RULE_FIX, loginUrlRuleViolation } from "./login-url-rule.ts";
import { applyPreset, OAUTH2_PRESET_IDS } from "./oauth2-presets.ts";
import { blockedConditionSchema, failureResponseSchema, totpStepSchema } from "./site-conditions.ts";
import { urlPatternSchema } from "./url-pattern.ts";

const httpStatus = z.number().int().min(100).max(599);

/**
 * A success condition. Leaves test one thing; `all` and `any` combine them. A cookie or storage key
 * counts when it appears, or changes value, after the login page has loaded; a response counts once seen.
 */
const urlLeaf = z.object({ url: urlPatternSchema }).strict();
const cookieLeaf = z
  .object({ cookie: z.object({ name: z.string().min(1), domain: z.string().optional() }).strict() })
  .strict();
const storageLeaf = z
  .object({
    storage: z
      .object({
        area: z.enum(["localStorage", "sessionStorage"]).default("localStorage"),
        key: z.string().min(1),
        origin: z.url().optional(),
      })
      .strict(),
  })
  .strict();
const responseLeaf = z
  .object({
    response: z.object({ url: urlPatternSchema, status: httpStatus.optional() }).strict(),
  })
  .strict();

export const successConditionSchema = z.union([
  urlLeaf,
  cookieLeaf,
  storageLeaf,
  responseLeaf,
  z
    .object({
      get all() {
        return z.array(successConditionSchema).min(1);
      },
    })
    .strict(),
  z
    .object({
      get any() {
        return z.array(successConditionSchema).min(1);
      },
    })
    .strict(),
]);

/** A duration: milliseconds, or a number with a unit (`90s`, `15m`, `6h`, `1d`). */
const durationMs = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, "a duration like 500ms, 90s, 15m, 6h or 1d")
    .transform((text) => {
      const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(text)!;
      return (
        Number(amount) *
        { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as "ms" | "s" | "m" | "h" | "d"]
      );
    }),
]);

/**
 * How to tell whether a stored session still works: open `url` logged in as the credential and see
 * which condition holds (the success condition language; a cookie or storage leaf means "present").
 * `http`: a cheap check without a browser (scheduled checks use it when given): a GET of its URL with
 * the credential's cookies for that URL, redirects not followed; an expected status means active.
 */
export const verifySchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    loggedIn: successConditionSchema.optional(),
    loggedOut: successConditionSchema.optional(),
    /** A condition must hold this long (pages that show a logged-in URL before redirecting logged-out visitors). */
    settleMs: z.number().int().min(0).max(30_000).default(1_000),
    /** How long after the page loaded a condition may take to hold; then the missing one decides (or unknown). */
    timeoutMs: z.number().int().min(500).max(120_000).default(15_000),
    http: z
      .object({
        url: z.url({ protocol: /^https?$/ }).optional(),
        expectStatus: z.union([httpStatus, z.array(httpStatus).min(1)]).default(200),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => v.loggedIn || v.loggedOut, { message: "give loggedIn, loggedOut or both", path: ["loggedIn"] });

/** A provider's id: in URLs (`/oauth2/clients/:providerId`) and records, so a short slug. */
export const providerIdSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, - and _");

/** Text in which `{{fieldName}}` stands for a submitted field's value. */
const template = z.string().max(4096);
const TEMPLATE_REFERENCE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "a header name");

/** The field names these templates use. */
function referencesIn(texts: string[]): string[] {
  return [...new Set(texts.flatMap((text) => [...text.matchAll(TEMPLATE_REFERENCE)].map((m) => m[1]!)))];
}

/**
 * The provider's API, for the MCP server's call_api: the service sends a request there with the user's
 * credential (an access token, the API key, the login's cookies), and only to URLs under `baseUrls`.
 * `headers` and `query` are added to every request; for an API-key provider they say where the key goes
 * (`"Authorization": "Bearer {{apiKey}}"`).
 */
export const providerApiSchema = z
  .object({
    baseUrls: z
      .array(
        z
          .url({ protocol: /^https?$/ })
          .refine((u) => {
            const url = new URL(u);
            return !url.username && !url.password && !url.search && !url.hash;
          }, "a base URL has no user name, password, query or fragment")
          .transform((u) => new URL(u).href),
      )
      .min(1)
      .max(20),
    headers: z.record(headerName, template).default({}),
    query: z.record(z.string().min(1), template).default({}),
  })
  .strict();
export type ProviderApi = z.infer<typeof providerApiSchema>;

/** The field names an API declaration's templates use. */
export function apiTemplateReferences(api: ProviderApi): string[] {
  return referencesIn([...Object.values(api.headers), ...Object.values(api.query)]);
}

/** Only an API-key provider has fields for templates to name. */
function refuseApiTemplates(provider: { id: string; api?: ProviderApi }, ctx: z.RefinementCtx) {
  const used = provider.api ? apiTemplateReferences(provider.api) : [];
  if (used.length)
    ctx.addIssue({
      code: "custom",
      path: ["api"],
      message: `provider ${provider.id}: api uses {{${used[0]}}}, but only API-key providers have fields`,
    });
}

/**
 * What a provider's site should see of the browser when the person does not say (docs/real-sites.md):
 * a locale and time zone, and WebGL strings for a site known to compare them (detectable).
 */
const browserIdentitySchema = z
  .object({
    locale: z
      .string()
      .refine((v) => canonicalLocale(v) !== undefined, "a BCP 47 language tag, e.g. fr-FR")
      .transform((v) => canonicalLocale(v)!)
      .optional(),
    timeZone: z
      .string()
      .refine((v) => canonicalTimeZone(v) !== undefined, "an IANA time zone, e.g. Europe/Paris")
      .transform((v) => canonicalTimeZone(v)!)
      .optional(),
    webgl: z
      .object({ vendor: z.string().min(1).max(256), renderer: z.string().min(1).max(256) })
      .strict()
      .optional(),
  })
  .strict();

/** A site the user logs in to in a browser we run; its session is captured. */
export const browserLoginProviderSchema = z
  .object({
    kind: z.literal("browser_login"),
    id: providerIdSchema,
    name: z.string().min(1),
    loginUrl: z.url({ protocol: /^https?$/ }),
    success: successConditionSchema,
    /** The condition must hold this long before it counts (pages that show a logged-in URL, then redirect). */
    settleMs: z.number().int().min(0).max(30_000).default(0),
    /** Pages that mean "wrong password": noted in the session's status, which stays awaiting_login. */
    failureUrls: z.array(urlPatternSchema).default([]),
    /** Responses that mean "wrong password", for sites that answer a failed attempt without changing the URL. */
    failureResponses: z.array(failureResponseSchema).default([]),
    /** A one-time-code step the worker fills from the credential's TOTP secret (site-conditions.ts). */
    totp: totpStepSchema.optional(),
    /** Pages that mean the login cannot go on: the session ends with the condition's code (site-conditions.ts). */
    blocked: z.array(blockedConditionSchema).max(50).default([]),
    /** Only these origins' cookies and storage are kept; everything when empty. */
    origins: z.array(z.url().transform((u) => new URL(u).origin)).default([]),
    captureIndexedDB: z.boolean().default(false),
    /** "authenticated": capture at once, so closing the tab loses nothing; "complete": wait for the app's complete call. */
    captureOn: z.enum(["authenticated", "complete"]).default("authenticated"),
    timeoutMs: z.number().int().min(2_000).max(3_600_000).optional(),
    /** How to check a stored credential (POST /credentials/:id/verify, scheduled checks). */
    verify: verifySchema.optional(),
    /** Check every credential of this provider this often (needs `verify`), spread over the interval. */
    verifyEvery: durationMs.pipe(z.number().min(1_000, "at least 1s")).optional(),
    /** The site's API, which call_api reaches with the login's cookies. */
    api: providerApiSchema.optional(),
    /**
     * The site's sessions need a live page (they end when no page holds them): after capture the
     * worker keeps the logged-in browser open, in a browser process of its own, for at most `maxTime`;
     * the app drives it over DevTools through the API, and the person may watch or take over in the live view.
     */
    keepAlive: z
      .object({ maxTime: durationMs.pipe(z.number().min(5_000, "at least 5s").max(86_400_000, "at most 1d")) })
      .strict()
      .optional(),
    /** The browser's locale, time zone and WebGL strings when the person's are not known (BROWSER_* otherwise). */
    browser: browserIdentitySchema.optional(),
  })
  .strict()
  .superRefine((provider, ctx) => {
    refuseApiTemplates(provider, ctx);
    if (provider.verifyEvery && !provider.verify)
      ctx.addIssue({
        code: "custom",
        path: ["verifyEvery"],
        message: `provider ${provider.id}: verifyEvery needs a verify declaration`,
      });
    const violation = loginUrlRuleViolation(provider.success, provider.loginUrl);
    if (violation)
      ctx.addIssue({
        code: "custom",
        path: ["success"],
        message: `provider ${provider.id}: ${violation}. To fix it, ${LOGIN_URL_RULE_FIX}`,
      });
  });

/** An OAuth2 server address: https, or http on this machine's loopback (tests, local development). */
const oauth2Url = z.url({ protocol: /^https?$/ }).refine((u) => {
  const { protocol, hostname } = new URL(u);
  return protocol === "https:" || ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
}, "must be https (http only on 127.0.0.1, localhost or [::1])");

/** A service that speaks OAuth2: the user consents on its own page, we keep (and refresh) the token set. */
export const oauth2ProviderSchema = z
  .object({
    kind: z.literal("oauth2"),
    id: providerIdSchema,
    name: z.string().min(1),
    /** A shipped definition (src/providers/oauth2-presets.ts) whose fields fill in what the entry leaves out. */
    preset: z.enum(OAUTH2_PRESET_IDS).optional(),
    /** An OpenID issuer to discover the endpoints from, or the endpoints themselves. */
    issuer: oauth2Url.optional(),
    authorizationEndpoint: oauth2Url.optional(),
    tokenEndpoint: oauth2Url.optional(),
    revocationEndpoint: oauth2Url.optional(),
    scopes: z.array(z.string().min(1)).default([]),
    pkce: z.boolean().default(true),
    /** How the client authenticates at the token and revocation endpoints (when it has a secret). */
    tokenEndpointAuthMethod: z.enum(["client_secret_post", "client_secret_basic"]).default("client_secret_post"),
    /** Extra authorization request parameters (e.g. `access_type: offline`). */
    authorizationParams: z.record(z.string(), z.string()).default({}),
    /** From the environment (`${NAME}` in the providers file); an organisation may set its own client through the API. */
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    /** The service's API, which call_api reaches with the access token. */
    api: providerApiSchema.optional(),
  })
  .strict()
  .superRefine((provider, ctx) => {
    refuseApiTemplates(provider, ctx);
    if (!provider.issuer && !(provider.authorizationEndpoint && provider.tokenEndpoint)) {
      ctx.addIssue({
        code: "custom",
        path: ["issuer"],
        message: `provider ${provider.id}: give an issuer, or both authorizationEndpoint and tokenEndpoint`,
      });
    }
  });

/** One field an API-key provider asks the user for. */
const apiKeyFieldSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
    label: z.string().min(1),
    helpText: z.string().optional(),
    helpUrl: z.url().optional(),
    /** Secret fields are masked on forms; every field is stored encrypted. */
    secret: z.boolean().default(true),
  })
  .strict();

/**
 * A request that tells a working key from a wrong one (e.g. GET /v1/me), sent before a key is stored.
 * Fields go where the templates put them: headers (`"Authorization": "Bearer {{apiKey}}"`), query
 * parameters, or a body (JSON, or form-encoded). The URL follows the address policy of client login URLs.
 */
export const apiKeyValidationSchema = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "HEAD"]).default("GET"),
    url: z.url({ protocol: /^https?$/ }),
    headers: z.record(headerName, template).default({}),
    query: z.record(z.string().min(1), template).default({}),
    body: z.record(z.string().min(1), template).optional(),
    bodyEncoding: z.enum(["json", "form"]).default("json"),
    /** The answers that mean "the key works". */
    expectedStatus: z.union([httpStatus, z.array(httpStatus).min(1)]).default([200]),
    timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
  })
  .strict();

/** The field names a validation request's templates use. */
export function templateReferences(validation: ApiKeyValidation): string[] {
  return referencesIn([
    ...Object.values(validation.headers),
    ...Object.values(validation.query),
    ...Object.values(validation.body ?? {}),
  ]);
}

/** Puts field values in place of `{{name}}` (every name is a declared field: checked when providers load). */
export function fillTemplate(text: string, fields: Record<string, string>): string {
  return text.replace(TEMPLATE_REFERENCE, (_, name: string) => fields[name] ?? "");
}

/** A service that takes an API key (and maybe more fields), checked before it is stored when a validation request is given. */
export const apiKeyProviderSchema = z
  .object({
    kind: z.literal("api_key"),
    id: providerIdSchema,
    name: z.string().min(1),
    fields: z.array(apiKeyFieldSchema).min(1),
    validation: apiKeyValidationSchema.optional(),
    /** The service's API, which call_api reaches with the key, where `api.headers` or `api.query` put it. */
    api: providerApiSchema.optional(),
  })
  .strict()
  .superRefine((provider, ctx) => {
    const names = provider.fields.map((f) => f.name);
    const twice = names.filter((name, i) => names.indexOf(name) !== i);
    if (twice.length)
      ctx.addIssue({
        code: "custom",
        path: ["fields"],
        message: `provider ${provider.id}: field ${twice[0]} is declared twice`,
      });
    if (provider.api) {
      const unknownInApi = apiTemplateReferences(provider.api).filter((name) => !names.includes(name));
      if (unknownInApi.length)
        ctx.addIssue({
          code: "custom",
          path: ["api"],
          message: `provider ${provider.id}: api uses ${unknownInApi.map((n) => `{{${n}}}`).join(", ")}, which is not a declared field`,
        });
      if (apiTemplateReferences(provider.api).length === 0)
        ctx.addIssue({
          code: "custom",
          path: ["api"],
          message: `provider ${provider.id}: api.headers or api.query must put the key somewhere ({{${names[0]}}})`,
        });
    }
    if (!provider.validation) return;
    const unknown = templateReferences(provider.validation).filter((name) => !names.includes(name));
    if (unknown.length)
      ctx.addIssue({
        code: "custom",
        path: ["validation"],
        message: `provider ${provider.id}: the validation request uses ${unknown.map((n) => `{{${n}}}`).join(", ")}, which is not a declared field`,
      });
  });

/** Every kind of provider. A provider without `kind` is a browser login (the only kind before kinds existed). */
export const providerSchema = z.preprocess(
  (input) => {
    if (!input || typeof input !== "object") return input;
    if (!("kind" in input)) return { ...input, kind: "browser_login" };
    return (input as { kind: unknown }).kind === "oauth2" ? applyPreset(input as Record<string, unknown>) : input;
  },
  z.discriminatedUnion("kind", [browserLoginProviderSchema, oauth2ProviderSchema, apiKeyProviderSchema]),
);

export const providersFileSchema = z.object({ providers: z.array(providerSchema).min(1) }).strict();

export type { FailureResponse } from "./site-conditions.ts";
export type VerifyDeclaration = z.infer<typeof verifySchema>;
export type SuccessCondition = z.infer<typeof successConditionSchema>;
export type Provider = z.infer<typeof providerSchema>;
export type ProviderKind = Provider["kind"];
export type BrowserLoginProvider = z.infer<typeof browserLoginProviderSchema>;
export type OAuth2Provider = z.infer<typeof oauth2ProviderSchema>;
export type ApiKeyProvider = z.infer<typeof apiKeyProviderSchema>;
export type ApiKeyValidation = z.infer<typeof apiKeyValidationSchema>;
/** A provider as written in the providers file (`kind` may be left out for a browser login). */
export type ProviderInput =
  | (Omit<z.input<typeof browserLoginProviderSchema>, "kind"> & { kind?: "browser_login" })
  | (Partial<z.input<typeof oauth2ProviderSchema>> & { kind: "oauth2"; id: string })
  | z.input<typeof apiKeyProviderSchema>;
