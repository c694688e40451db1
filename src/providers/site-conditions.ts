import { z } from "zod";
import { urlPatternSchema } from "./url-pattern.ts";

/**
 * What a provider says about the pages a site shows on the way to a login: the one-time-code step
 * the worker fills from a stored TOTP secret, and the pages that mean the login cannot go on
 * (a CAPTCHA wall, "this browser may not be secure", a locked account). Both are recognised with
 * page conditions, read in the browser without anything the page's own scripts can see
 * (docs/second-factors.md).
 */

const httpStatus = z.number().int().min(100).max(599);

/** A CSS selector, run with `querySelectorAll` in the page; a selector the page's browser refuses matches nothing. */
const cssSelector = z.string().trim().min(1).max(500);

/**
 * A condition on one page of the session. Leaves: `url` (the page's address matches the pattern),
 * `element` (an element matching the CSS selector is shown), `text` (the page's visible text
 * contains this, ignoring case and runs of spaces), `response` (any tab got such a response since
 * the watch began). `all` and `any` combine them; page leaves are tested against the same page.
 */
const urlLeaf = z.object({ url: urlPatternSchema }).strict();
const elementLeaf = z.object({ element: cssSelector }).strict();
const textLeaf = z
  .object({
    text: z
      .string()
      .min(1)
      .max(500)
      .transform((text) => text.toLowerCase().replace(/\s+/g, " ").trim())
      .pipe(z.string().min(1, "text must hold more than spaces")),
  })
  .strict();
const responseLeaf = z
  .object({
    response: z
      .object({ url: urlPatternSchema, status: z.union([httpStatus, z.array(httpStatus).min(1)]).optional() })
      .strict(),
  })
  .strict();

export const pageConditionSchema = z.union([
  urlLeaf,
  elementLeaf,
  textLeaf,
  responseLeaf,
  z
    .object({
      get all() {
        return z.array(pageConditionSchema).min(1).max(20);
      },
    })
    .strict(),
  z
    .object({
      get any() {
        return z.array(pageConditionSchema).min(1).max(20);
      },
    })
    .strict(),
]);

/**
 * The reasons a `blocked` condition may end a session with, each something the person can act on:
 * a site that judged the browser a robot, a CAPTCHA the live view cannot pass, a locked account,
 * credentials the site says are wrong for good (not a typo: the session waits through those), and
 * a site that offers only a sign-in method a remote browser cannot use (a passkey).
 */
export const BLOCKED_CODES = [
  "bot_detected",
  "captcha_blocked",
  "account_locked",
  "credentials_invalid",
  "unsupported_auth_method",
] as const;
export type BlockedCode = (typeof BLOCKED_CODES)[number];

/** A page that means the login cannot go on: the session ends `failed` with `code` (and `message`, for the person). */
export const blockedConditionSchema = z
  .object({
    code: z.enum(BLOCKED_CODES),
    when: pageConditionSchema,
    message: z.string().min(1).max(500).optional(),
  })
  .strict();

/**
 * A one-time-code step the worker can fill from the credential's TOTP secret: recognised by `when`;
 * the code is typed into `field` (the first shown element matching it), or, without `field`, into
 * the text field that has the focus; `submit` then presses Enter (false for sites that send the
 * form themselves once the last digit is typed). `rejected`: the page that means the code was
 * turned down (besides the provider's failure URLs and responses).
 */
export const totpStepSchema = z
  .object({
    when: pageConditionSchema,
    field: cssSelector.optional(),
    submit: z.boolean().default(true),
    rejected: pageConditionSchema.optional(),
  })
  .strict();

/**
 * A response that means "wrong password", for sites that answer in place (the URL stays, the login
 * request gets a 401). Counted only once the person has used the page: a login page that probes its
 * own API as it loads gets 401s nobody typed for. `method` and `requestHeader` narrow it further to
 * the login request itself.
 */
export const failureResponseSchema = z
  .object({
    url: urlPatternSchema,
    /** Which statuses mean a rejection; any 4xx when absent. */
    status: z.union([httpStatus, z.array(httpStatus).min(1)]).optional(),
    /** Only requests of this method (`POST`). */
    method: z
      .string()
      .regex(/^[A-Za-z]{1,16}$/, "an HTTP method")
      .transform((m) => m.toUpperCase())
      .optional(),
    /** Only requests that carried this header (with this exact value, when given). */
    requestHeader: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "a header name")
          .transform((n) => n.toLowerCase()),
        value: z.string().max(1000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PageCondition = z.infer<typeof pageConditionSchema>;
export type BlockedCondition = z.infer<typeof blockedConditionSchema>;
export type TotpStep = z.infer<typeof totpStepSchema>;
export type FailureResponse = z.infer<typeof failureResponseSchema>;
