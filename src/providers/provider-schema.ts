import { z } from "zod";
import { LOGIN_URL_RULE_FIX, loginUrlRuleViolation } from "./login-url-rule.js";
import { urlPatternSchema } from "./url-pattern.js";

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
  z.object({ get all() { return z.array(successConditionSchema).min(1); } }).strict(),
  z.object({ get any() { return z.array(successConditionSchema).min(1); } }).strict(),
]);

/** A response that means "wrong password" for sites that answer in place (the URL stays, the login request gets a 401). */
const failureResponseSchema = z
  .object({
    url: urlPatternSchema,
    /** Which statuses mean a rejection; any 4xx when absent. */
    status: z.union([httpStatus, z.array(httpStatus).min(1)]).optional(),
  })
  .strict();

export const providerSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, - and _"),
    name: z.string().min(1),
    loginUrl: z.url({ protocol: /^https?$/ }),
    success: successConditionSchema,
    /** The condition must hold this long before it counts (pages that show a logged-in URL, then redirect). */
    settleMs: z.number().int().min(0).max(30_000).default(0),
    /** Pages that mean "wrong password": noted in the session's status, which stays awaiting_login. */
    failureUrls: z.array(urlPatternSchema).default([]),
    /** Responses that mean "wrong password", for sites that answer a failed attempt without changing the URL. */
    failureResponses: z.array(failureResponseSchema).default([]),
    /** Only these origins' cookies and storage are kept; everything when empty. */
    origins: z.array(z.url().transform((u) => new URL(u).origin)).default([]),
    captureIndexedDB: z.boolean().default(false),
    /** "authenticated": capture at once, so closing the tab loses nothing; "complete": wait for the app's complete call. */
    captureOn: z.enum(["authenticated", "complete"]).default("authenticated"),
    timeoutMs: z.number().int().min(2_000).max(3_600_000).optional(),
  })
  .strict()
  .superRefine((provider, ctx) => {
    const violation = loginUrlRuleViolation(provider.success, provider.loginUrl);
    if (violation) ctx.addIssue({ code: "custom", path: ["success"], message: `provider ${provider.id}: ${violation}. To fix it, ${LOGIN_URL_RULE_FIX}` });
  });

export const providersFileSchema = z.object({ providers: z.array(providerSchema).min(1) }).strict();

export type FailureResponse = z.infer<typeof failureResponseSchema>;
export type SuccessCondition = z.infer<typeof successConditionSchema>;
export type Provider = z.infer<typeof providerSchema>;
export type ProviderInput = z.input<typeof providerSchema>;
