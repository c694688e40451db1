import type { Redis } from "ioredis";
import { sessionRecordSchema } from "../browser-login/sessions/session-record.ts";
import { sessionView } from "../browser-login/sessions/session-view.ts";
import { type EventKeys, eventKeys } from "../core/redis-keys.ts";
import { type CredentialEvents, createCredentialEvents } from "../credentials/credential-events.ts";
import { compareEventIds, eventTypeSchema, type LoggedEvent } from "./event-types.ts";

/**
 * The event log in Redis streams, readable by every API and worker process. Session events are
 * written by the session store's Lua commands, in the script that makes the change; credential
 * events through `appendCredentialEvent` (credentials/credential-events.ts). Streams keep `retentionMs` of events: a reader resuming
 * from an id older than that may have missed some, and is told so (`beyondRetention`).
 */
export interface EventLog extends CredentialEvents {
  readonly keys: EventKeys;
  readonly retentionMs: number;
  /** Events of `stream` after `afterId` ("0": from the start), oldest first, at most `count`. */
  after(stream: string, afterId: string, count?: number): Promise<LoggedEvent[]>;
  /** One event of the stream of all, by id. */
  get(id: string): Promise<LoggedEvent | undefined>;
  /**
   * Whether events of `stream` after `id` may already have been dropped: the id is older than the
   * retention window, or older than the first entry of a stream that has dropped entries (its length limit).
   * Errs on the side of saying so: a reader whose own last event was the last one dropped is told too.
   */
  beyondRetention(id: string, stream: string): Promise<boolean>;
}

type StreamEntry = [id: string, fields: string[]];

/** The snapshot's record fields (`r.<field>`: that field's JSON text) as the session view. */
const snapshotSchema = sessionRecordSchema.omit({
  owner: true,
  loginUrl: true,
  workerId: true,
  completeRequested: true,
});

/** A stream entry as an event; undefined for an entry in a shape this version does not know. */
export function parseEntry([id, flat]: StreamEntry): LoggedEvent | undefined {
  const fields = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i]!, flat[i + 1]!);
  const type = eventTypeSchema.safeParse(fields.get("type"));
  if (!type.success) return undefined;
  const base = {
    id,
    type: type.data,
    timestamp: new Date(Number(id.split("-")[0])).toISOString(),
    owner: fields.get("owner") ?? "",
  };
  try {
    const sessionId = fields.get("session");
    if (sessionId) {
      const record: Record<string, unknown> = {};
      for (const [field, json] of fields) if (field.startsWith("r.")) record[field.slice(2)] = JSON.parse(json);
      return { ...base, sessionId, data: sessionView(snapshotSchema.parse(record)) };
    }
    const credentialId = fields.get("credential");
    if (credentialId) return { ...base, credentialId, data: JSON.parse(fields.get("data") ?? "{}") };
  } catch {
    // A malformed entry is skipped rather than stopping every reader at it.
  }
  return undefined;
}

export function createEventLog(
  redis: Redis,
  options: { prefix: string; retentionMs: number; maxLen?: number },
): EventLog {
  const keys = eventKeys(options.prefix);
  const credentialEvents = createCredentialEvents(redis, options);
  const parseAll = (entries: StreamEntry[]) => entries.map(parseEntry).filter((e): e is LoggedEvent => e !== undefined);

  return {
    keys,
    retentionMs: options.retentionMs,
    appendCredentialEvent: credentialEvents.appendCredentialEvent,
    async after(stream, afterId, count = 500) {
      return parseAll((await redis.xrange(stream, `(${afterId}`, "+", "COUNT", count)) as StreamEntry[]);
    },
    async get(id) {
      return parseAll((await redis.xrange(keys.all, id, id)) as StreamEntry[])[0];
    },
    async beyondRetention(id, stream) {
      const [seconds, micros] = await redis.time();
      const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      if (Number(id.split("-")[0]) < nowMs - options.retentionMs) return true;
      // Trimming leaves no mark of what it dropped (Redis 7.0 keeps max-deleted-entry-id for XDEL only): when the
      // stream ever dropped entries, a reader whose id is older than its first entry may have lost some.
      const info = (await redis.xinfo("STREAM", stream).catch(() => [])) as unknown[];
      const field = (name: string) => (info.includes(name) ? info[info.indexOf(name) + 1] : undefined);
      if (!(Number(field("entries-added") ?? 0) > Number(field("length") ?? 0))) return false;
      const first = field("first-entry") as [string, string[]] | null | undefined;
      return compareEventIds(id, first ? first[0] : String(field("last-generated-id"))) < 0;
    },
  };
}
