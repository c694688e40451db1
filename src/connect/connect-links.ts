import type { Redis } from "ioredis";
import { z } from "zod";
import { defineLuaCommands, loadLuaCommands } from "../core/redis/lua-commands.ts";
import { redisKeys } from "../core/redis-keys.ts";
import { type Subject, sameOwner, subjectSchema } from "../core/subject.ts";
import { mintConnectToken, newConnectLinkId, parseConnectToken, verifyConnectToken } from "./connect-link-token.ts";

/** What a connect link lets its holder do, and for whom, as minted: kept in Redis a while past its expiry. */
export const connectLinkRecordSchema = z.object({
  subject: subjectSchema,
  /** Provider ids the page offers (and whose connections it shows); absent: every provider. */
  providers: z.array(z.string()).optional(),
  /** Where the page's "Back" link leads, and a line the page shows above the list. */
  returnUrl: z.string().optional(),
  /** Where the page sends the person once connected, and when connecting did not work out. */
  successUrl: z.string().optional(),
  errorUrl: z.string().optional(),
  message: z.string().optional(),
  /**
   * A component link: the origin of the app page whose connect components use it (CONNECT_COMPONENT_ORIGINS).
   * Its requests must come from that origin and carry the binding in a header, not a cookie; it opens no page.
   */
  componentOrigin: z.string().optional(),
  /** The link may set and remove its organisation's OAuth clients for the providers it offers (minted for an org admin). */
  manageOrgClients: z.boolean().optional(),
  /** The deadline to open it (signed into the token). */
  expiresAt: z.string(),
});
type ConnectLinkRecord = z.infer<typeof connectLinkRecordSchema>;

export type ConnectLink = ConnectLinkRecord & {
  id: string;
  /** When the page stops working: the deadline to open it until it is opened, then the end of its use in that browser. */
  usableUntil: string;
  openedAt?: string;
  /** SHA-256 (hex) of the binding secret of the browser that opened it; absent until it is opened. */
  binding?: string;
  revokedAt?: string;
};

export type ResolvedLink =
  | { ok: true; link: ConnectLink }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "expired" | "revoked"; link: ConnectLink };

/** What a link started, for revocation to end: a kind's name and its own id (a login session's, an authorization's state). */
export interface StartedThrough {
  kind: string;
  id: string;
}

export type OpenOutcome = "bound" | "same" | "other" | "revoked" | "gone";

export interface ConnectLinkSummary {
  id: string;
  expiresAt: string;
  usableUntil: string;
  openedAt?: string;
  providers?: string[];
  componentOrigin?: string;
}

export interface ConnectLinks {
  /** Stores the link and returns its token (the capability: handed out once, never stored). */
  mint(
    input: Omit<ConnectLinkRecord, "expiresAt">,
    ttlMs: number,
  ): Promise<{ id: string; token: string; expiresAt: string }>;
  resolve(token: string): Promise<ResolvedLink>;
  /**
   * Binds the link to the browser whose binding secret has this digest, unless a browser has it
   * already; once bound, the page works there for `pageTtlMs` from now (or until the deadline to open
   * it, if later).
   */
  open(link: ConnectLink, digest: string): Promise<{ outcome: OpenOutcome; usableUntil?: string }>;
  /** Marks the link revoked and returns what was started through it; undefined when the subject has no such link. */
  revoke(id: string, subject: Subject): Promise<StartedThrough[] | undefined>;
  /** Records something started through the link; false when the link was revoked meanwhile (end it at once). */
  noteStarted(link: ConnectLink, started: StartedThrough): Promise<boolean>;
  /** The subject's links that still work (newest deadline last), at most 1000. */
  list(subject: Subject): Promise<ConnectLinkSummary[]>;
}

/** Records outlive their links by this much, so that a recently expired or revoked link is told apart from a forged one. */
const KEPT_AFTER_EXPIRY_MS = 60 * 60_000;
const LISTED = 1000;
const STARTED = "started:";

interface LinkCommands {
  mintConnectLink(
    record: string,
    index: string,
    json: string,
    keepMs: number,
    id: string,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<number>;
  openConnectLink(
    record: string,
    use: string,
    index: string,
    digest: string,
    nowMs: number,
    usableUntilMs: number,
    keepAfterMs: number,
    id: string,
  ): Promise<[OpenOutcome, string?]>;
  revokeConnectLink(record: string, use: string, index: string, nowMs: number, id: string): Promise<string[] | null>;
  noteConnectLinkStart(record: string, use: string, field: string): Promise<number>;
}

const COMMANDS = loadLuaCommands(new URL("./commands/", import.meta.url));

const iso = (ms: number) => new Date(ms).toISOString();

/** A link's record and its use (binding, revocation), read together. */
function linkOf(id: string, record: ConnectLinkRecord, use: Record<string, string>): ConnectLink {
  const usableUntil = use.usableUntil ? iso(Number(use.usableUntil)) : record.expiresAt;
  return {
    id,
    ...record,
    usableUntil,
    ...(use.openedAt ? { openedAt: iso(Number(use.openedAt)) } : {}),
    ...(use.binding ? { binding: use.binding } : {}),
    ...(use.revokedAt ? { revokedAt: iso(Number(use.revokedAt)) } : {}),
  };
}

export function createConnectLinks(
  redis: Redis,
  options: { prefix: string; secret: Buffer; pageTtlMs: number; now?: () => number },
): ConnectLinks {
  const now = options.now ?? Date.now;
  const keys = redisKeys(options.prefix);
  const commands = defineLuaCommands<LinkCommands>(redis, COMMANDS);

  const read = async (id: string) => {
    const [[, stored], [, use]] = (await redis
      .multi()
      .get(keys.connectLink(id))
      .hgetall(keys.connectLinkUse(id))
      .exec()) as [[null, string | null], [null, Record<string, string>]];
    return stored ? { record: connectLinkRecordSchema.parse(JSON.parse(stored)), use } : undefined;
  };

  return {
    async mint(input, ttlMs) {
      const id = newConnectLinkId();
      const nowMs = now();
      const expiresAtMs = nowMs + ttlMs;
      const record: ConnectLinkRecord = { ...input, expiresAt: iso(expiresAtMs) };
      await commands.mintConnectLink(
        keys.connectLink(id),
        keys.connectLinksOf(input.subject),
        JSON.stringify(record),
        ttlMs + KEPT_AFTER_EXPIRY_MS,
        id,
        expiresAtMs,
        nowMs,
      );
      return {
        id,
        token: mintConnectToken(options.secret, { id, expiresAtMs }, input.subject),
        expiresAt: record.expiresAt,
      };
    },

    async resolve(token) {
      const claimed = parseConnectToken(token);
      const stored = claimed && (await read(claimed.id));
      if (!claimed || !stored) return { ok: false, reason: "invalid" };
      const { record, use } = stored;
      if (
        !verifyConnectToken(options.secret, claimed, record.subject) ||
        Date.parse(record.expiresAt) !== claimed.expiresAtMs
      ) {
        return { ok: false, reason: "invalid" };
      }
      const link = linkOf(claimed.id, record, use);
      if (link.revokedAt) return { ok: false, reason: "revoked", link };
      if (Date.parse(link.usableUntil) <= now()) return { ok: false, reason: "expired", link };
      return { ok: true, link };
    },

    async open(link, digest) {
      const nowMs = now();
      const usableUntilMs = Math.max(Date.parse(link.expiresAt), nowMs + options.pageTtlMs);
      const [outcome, usableUntil] = await commands.openConnectLink(
        keys.connectLink(link.id),
        keys.connectLinkUse(link.id),
        keys.connectLinksOf(link.subject),
        digest,
        nowMs,
        usableUntilMs,
        KEPT_AFTER_EXPIRY_MS,
        link.id,
      );
      return { outcome, ...(usableUntil ? { usableUntil: iso(Number(usableUntil)) } : {}) };
    },

    async revoke(id, subject) {
      const stored = await read(id);
      if (!stored || !sameOwner(stored.record.subject, subject)) return undefined;
      const fields = await commands.revokeConnectLink(
        keys.connectLink(id),
        keys.connectLinkUse(id),
        keys.connectLinksOf(subject),
        now(),
        id,
      );
      if (!fields) return undefined;
      return fields.flatMap((field) => {
        if (!field.startsWith(STARTED)) return [];
        const [kind, ...rest] = field.slice(STARTED.length).split(":");
        return kind && rest.length ? [{ kind, id: rest.join(":") }] : [];
      });
    },

    async noteStarted(link, { kind, id }) {
      const noted = await commands.noteConnectLinkStart(
        keys.connectLink(link.id),
        keys.connectLinkUse(link.id),
        `${STARTED}${kind}:${id}`,
      );
      return noted === 1;
    },

    async list(subject) {
      const index = keys.connectLinksOf(subject);
      const ids = await redis.zrange(index, now(), "+inf", "BYSCORE", "LIMIT", 0, LISTED);
      const links = await Promise.all(ids.map(async (id) => ({ id, stored: await read(id) })));
      return links.flatMap(({ id, stored }) => {
        if (!stored) return [];
        const link = linkOf(id, stored.record, stored.use);
        if (link.revokedAt || Date.parse(link.usableUntil) <= now()) return [];
        return [
          {
            id,
            expiresAt: link.expiresAt,
            usableUntil: link.usableUntil,
            ...(link.openedAt ? { openedAt: link.openedAt } : {}),
            ...(link.providers ? { providers: link.providers } : {}),
            ...(link.componentOrigin ? { componentOrigin: link.componentOrigin } : {}),
          },
        ];
      });
    },
  };
}
