import { isFinal, type SessionRecord } from "../sessions/session-record.js";
import { mintViewToken } from "./live-view-token.js";

export interface LiveViewLinks {
  /** The address links start with. */
  base(): string;
  /** The viewer links of a session whose worker serves a live view, while it is not final. */
  urlsFor(record: SessionRecord): { liveViewUrl: string; liveViewViewOnlyUrl: string } | undefined;
}

/** Links are recomputed on each read from the session's link generation: no token is ever stored. */
export function createLiveViewLinks(secret: Buffer, publicUrl: () => string): LiveViewLinks {
  const base = () => publicUrl().replace(/\/+$/, "");
  return {
    base,
    urlsFor(record) {
      if (!record.liveViewAddress || isFinal(record.status)) return undefined;
      const generation = record.liveViewGeneration ?? 0;
      return {
        liveViewUrl: `${base()}/live/${mintViewToken(secret, record.id, generation, "control")}`,
        liveViewViewOnlyUrl: `${base()}/live/${mintViewToken(secret, record.id, generation, "view")}`,
      };
    },
  };
}
