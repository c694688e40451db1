import type { Context } from "hono";
import { z } from "zod";
import { ApiError, RequestValidationError } from "./api-error.js";

/** Reads a JSON body and validates it; malformed JSON and unknown fields are 400s that say what is wrong. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  const text = await c.req.text();
  if (text.trim() === "") return validate(schema, {});
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, "unsupported_media_type", "Send the body as application/json");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON");
  }
  return validate(schema, body);
}

function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new RequestValidationError(parsed.error);
  return parsed.data;
}

export const sessionIdSchema = z.string().regex(/^ls_[0-9a-f]{32}$/, "not a login session id");
export const credentialIdSchema = z.string().regex(/^cred_[0-9a-f-]{36}$/, "not a credential id");

export function parseId(schema: z.ZodString, value: string | undefined, what: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, "invalid_id", `${value ?? ""} is not a valid ${what} id`.trim());
  return parsed.data;
}

export function parseWait(c: Context, fallbackMs: number, maxMs = 10_000): number {
  const raw = c.req.query("wait");
  if (raw === undefined) return fallbackMs;
  // Plain decimal digits only: Number() would also take "", " 5", "0x10" and "1e3".
  const ms = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(ms <= maxMs)) throw new ApiError(400, "invalid_wait", `wait must be a whole number of milliseconds from 0 to ${maxMs}`);
  return ms;
}
