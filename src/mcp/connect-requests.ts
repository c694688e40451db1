import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "../core/redis-keys.ts";
import { ownerKey, subjectSchema } from "../core/subject.ts";
import { hmacTag, sameTag } from "../crypto/hmac-tag.ts";

/**
 * An MCP tool call's request that its user connect one provider: the URL an MCP client shows its user
 * is `/mcp/connect/<token>`, and the token names only this request (`mcr_<id>.<expiry>.<mac>`, the MAC
 * over id, expiry, subject, provider and client). It is not a connect link: opening it makes the person
 * sign in at the operator's authorization server first, and only the request's own user gets further.
 * It works once (the first sign-in that matches uses it up) and for MCP_CONNECT_TTL_SECONDS.
 */
export const connectRequestSchema = z.object({
  subject: subjectSchema,
  providerId: z.string(),
  /** The MCP client that asked: the page names it. */
  clientId: z.string(),
  expiresAt: z.string(),
});
export type ConnectRequest = z.infer<typeof connectRequestSchema> & { id: string };

export type ResolvedRequest =
  | { ok: true; request: ConnectRequest }
  | { ok: false; reason: "invalid" | "expired" | "used" };

export interface ConnectRequests {
  mint(input: Omit<ConnectRequest, "id" | "expiresAt">): Promise<{ id: string; token: string; expiresAt: string }>;
  resolve(token: string): Promise<ResolvedRequest>;
  /** The request by id, unless it is unknown, used or expired. */
  get(id: string): Promise<ConnectRequest | undefined>;
  /** Uses the request up: true for the first caller only. Also how a declined request is withdrawn. */
  consume(id: string): Promise<boolean>;
}

const TOKEN = /^(mcr_[0-9a-f]{32})\.(\d{13})\.([A-Za-z0-9_-]{43})$/;

export function createConnectRequests(
  redis: Redis,
  options: { prefix: string; secret: Buffer; ttlMs: number; now?: () => number },
): ConnectRequests {
  const keys = redisKeys(options.prefix);
  const now = options.now ?? Date.now;
  const macOf = (id: string, expiresAtMs: number, request: Omit<ConnectRequest, "id" | "expiresAt">) =>
    hmacTag(
      options.secret,
      `mcp-connect|${id}|${expiresAtMs}|${ownerKey(request.subject)}|${request.providerId}|${request.clientId}`,
    );

  const read = async (id: string): Promise<ConnectRequest | undefined> => {
    const stored = await redis.get(keys.mcpConnectRequest(id));
    return stored ? { id, ...connectRequestSchema.parse(JSON.parse(stored)) } : undefined;
  };
  const usable = async (request: ConnectRequest): Promise<ResolvedRequest> => {
    if (Date.parse(request.expiresAt) <= now()) return { ok: false, reason: "expired" };
    if (await redis.exists(keys.mcpConnectRequestUsed(request.id))) return { ok: false, reason: "used" };
    return { ok: true, request };
  };

  return {
    async mint(input) {
      const id = `mcr_${randomBytes(16).toString("hex")}`;
      const expiresAtMs = now() + options.ttlMs;
      const record = { ...input, expiresAt: new Date(expiresAtMs).toISOString() };
      // Kept an hour past its expiry, so that a late visitor hears "expired" rather than "not valid".
      await redis.set(keys.mcpConnectRequest(id), JSON.stringify(record), "PX", options.ttlMs + 3_600_000);
      const mac = macOf(id, expiresAtMs, input).toString("base64url");
      return { id, token: `${id}.${expiresAtMs}.${mac}`, expiresAt: record.expiresAt };
    },
    async resolve(token) {
      const match = TOKEN.exec(token);
      const request = match && (await read(match[1]!));
      if (!match || !request) return { ok: false, reason: "invalid" };
      const expiresAtMs = Number(match[2]);
      if (
        Date.parse(request.expiresAt) !== expiresAtMs ||
        !sameTag(Buffer.from(match[3]!, "base64url"), macOf(request.id, expiresAtMs, request))
      )
        return { ok: false, reason: "invalid" };
      return usable(request);
    },
    async get(id) {
      const request = await read(id);
      const resolved = request && (await usable(request));
      return resolved?.ok ? resolved.request : undefined;
    },
    async consume(id) {
      const set = await redis.set(keys.mcpConnectRequestUsed(id), "1", "PX", options.ttlMs + 3_600_000, "NX");
      return set === "OK";
    },
  };
}
