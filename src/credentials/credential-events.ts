import type { Redis } from "ioredis";
import { APPEND_EVENT_LUA } from "../core/event-log.ts";
import { defineLuaCommands, type LuaCommand, loadLuaCommands } from "../core/redis/lua-commands.ts";
import { eventKeys } from "../core/redis-keys.ts";
import { ownerKey, type Subject } from "../core/subject.ts";
import type { CredentialMetadata } from "./credential-metadata-schema.ts";
import { credentialView } from "./credential-view.ts";

/**
 * The credential events, written once: created and deleted by the vault; verified, expired and renewed
 * by health checks and re-login; needs_reauth when a provider refuses to renew a token. The event log
 * (src/events/) reads them with the session events; each carries the credential's public view.
 */
export const CREDENTIAL_EVENT_TYPES = [
  "credential.created",
  "credential.verified",
  "credential.expired",
  "credential.renewed",
  "credential.needs_reauth",
  "credential.deleted",
] as const;

export type CredentialEventType = (typeof CREDENTIAL_EVENT_TYPES)[number];

/** Where credential events are logged: the vault, checks, refreshes and re-logins write through this. */
export interface CredentialEvents {
  /** Logs one event (metadata only: its public view) in the stream of all events and the owner's; returns its id. */
  appendCredentialEvent(type: CredentialEventType, owner: Subject, metadata: CredentialMetadata): Promise<string>;
}

interface Commands {
  appendCredentialEvent(all: string, owner: string, ...args: string[]): Promise<string>;
}

let scripts: LuaCommand[] | undefined;

export function createCredentialEvents(
  redis: Redis,
  options: { prefix: string; retentionMs: number; maxLen?: number },
): CredentialEvents {
  scripts ??= loadLuaCommands(new URL("./commands/", import.meta.url), APPEND_EVENT_LUA);
  const commands = defineLuaCommands<Commands>(redis, scripts);
  const keys = eventKeys(options.prefix);
  const limits = JSON.stringify({ retentionMs: options.retentionMs, maxLen: options.maxLen ?? 0 });
  return {
    appendCredentialEvent(type, owner, metadata) {
      const data = JSON.stringify(credentialView(metadata));
      return commands.appendCredentialEvent(
        keys.all,
        keys.ofOwner(owner),
        limits,
        "type",
        type,
        "credential",
        metadata.id,
        "owner",
        ownerKey(owner),
        "data",
        data,
      );
    },
  };
}
