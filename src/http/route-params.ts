import { z } from "@hono/zod-openapi";
import { pathId } from "./openapi/path-id.ts";

/** The ids in the API's paths: each refused as `invalid_id` when it is not of its kind. */
export const sessionIdSchema = pathId(/^ls_[0-9a-f]{32}$/, "login session", "ls_0123456789abcdef0123456789abcdef");
export const credentialIdSchema = pathId(
  /^cred_[0-9a-f-]{36}$/,
  "credential",
  "cred_5a0e9a1c-3b57-4d64-a2c4-6f1f0b7b2d10",
);
export const sessionIdParams = z.object({ id: sessionIdSchema });
export const credentialIdParams = z.object({ id: credentialIdSchema });
export const endpointIdParams = z.object({ id: pathId(/^whe_[a-z0-9_-]{1,64}$/, "webhook endpoint", "whe_ops") });

/**
 * `?wait=<ms>`: how long to hold the answer for the session (or check) to move on, at most `maxMs`.
 * Plain decimal digits only (Number() would also take "", " 5", "0x10" and "1e3"); anything else is
 * `invalid_wait`.
 */
export function waitQuery(defaultMs: number, maxMs = 10_000) {
  const message = `wait must be a whole number of milliseconds from 0 to ${maxMs}`;
  return z.object({
    wait: z
      .string()
      .regex(/^[0-9]{1,9}$/, message)
      .transform(Number)
      .refine((ms) => ms <= maxMs, message)
      .optional()
      // Documented as the integer it is: clients send a number, which serializes to plain digits.
      .openapi({
        type: "integer",
        minimum: 0,
        maximum: maxMs,
        description: `Milliseconds to wait for the outcome before answering (default ${defaultMs})`,
        example: 5000,
      }),
  });
}
