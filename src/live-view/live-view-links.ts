import type { LiveViewLinks } from "../browser-login/live-view-ports.ts";
import { isFinal } from "../browser-login/sessions/session-record.ts";
import { mintViewToken } from "./live-view-token.ts";

export type { LiveViewLinks };

const BEFORE_A_WORKER = new Set(["queued", "starting"]);

/** Sessions whose links are remembered in this process (status polls would otherwise mint two HMACs each). */
const REMEMBERED = 10_000;

/**
 * Links are recomputed from the session's link generation, never stored in Redis; this process
 * remembers the latest ones (a revoke raises the generation, which makes new ones). A token names
 * the session, not the worker: a link handed out before any worker took the session (`fromTheStart`,
 * when this deployment's workers serve live views) is the one that works once one does.
 */
export function createLiveViewLinks(
  secret: Buffer,
  publicUrl: () => string,
  options: { fromTheStart: boolean },
): LiveViewLinks {
  const base = () => publicUrl().replace(/\/+$/, "");
  const remembered = new Map<string, { liveViewUrl: string; liveViewViewOnlyUrl: string }>();
  return {
    base,
    urlsFor(record) {
      if (isFinal(record.status)) return undefined;
      if (!record.liveViewAddress && !(options.fromTheStart && BEFORE_A_WORKER.has(record.status))) return undefined;
      const generation = record.liveViewGeneration ?? 0;
      const key = `${record.id}|${generation}|${base()}`;
      let urls = remembered.get(key);
      if (!urls) {
        urls = {
          liveViewUrl: `${base()}/live/${mintViewToken(secret, record.id, generation, "control")}`,
          liveViewViewOnlyUrl: `${base()}/live/${mintViewToken(secret, record.id, generation, "view")}`,
        };
        remembered.set(key, urls);
        // A Map keeps insertion order: drop the oldest.
        if (remembered.size > REMEMBERED) remembered.delete(remembered.keys().next().value!);
      }
      return urls;
    },
  };
}
