import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { SessionRecord } from "../../src/browser-login/sessions/session-record.ts";
import { createLiveViewLinks } from "../../src/live-view/live-view-links.ts";
import { verifyViewToken } from "../../src/live-view/live-view-token.ts";

describe("live-view links: when a session has them", () => {
  const secret = randomBytes(32);
  const record = (patch: Partial<SessionRecord>): SessionRecord => ({
    id: `ls_${"c".repeat(32)}`,
    owner: { userId: "u" },
    providerId: "demo",
    loginUrl: "http://localhost/login",
    status: "queued",
    liveViewUrl: null,
    createdAt: "",
    updatedAt: "",
    expiresAt: "",
    timeline: {},
    metadata: {},
    ...patch,
  });
  const held = { status: "awaiting_login", liveViewAddress: "ws://worker-1:3100" } as const;

  it("from the start, when the deployment's workers serve live views: the same link before and after a worker takes the session", () => {
    const links = createLiveViewLinks(secret, () => "https://login.example.com/", { fromTheStart: true });
    const early = links.urlsFor(record({ status: "queued" }))!;
    expect(early.liveViewUrl).toMatch(/^https:\/\/login\.example\.com\/live\/ls_c{32}\.c/);
    expect(verifyViewToken(secret, early.liveViewUrl.split("/live/")[1]!, 0)).toEqual({
      sessionId: `ls_${"c".repeat(32)}`,
      mode: "control",
    });
    expect(links.urlsFor(record({ status: "starting" }))).toEqual(early);
    expect(links.urlsFor(record(held))).toEqual(early);
    // Held by a worker that shows it another way (Browserbase's own link is then the session's).
    expect(links.urlsFor(record({ status: "awaiting_login" }))).toBeUndefined();
    expect(links.urlsFor(record({ ...held, status: "completed" }))).toBeUndefined();
  });

  it("otherwise only once a worker serving a live view holds the session", () => {
    const links = createLiveViewLinks(secret, () => "https://login.example.com", { fromTheStart: false });
    expect(links.urlsFor(record({ status: "queued" }))).toBeUndefined();
    expect(links.urlsFor(record(held))?.liveViewUrl).toMatch(/\/live\/ls_c{32}\.c/);
  });
});
