import pino from "pino";
import { describe, expect, it } from "vitest";
import type { EventLog } from "../../src/events/event-log.ts";
import type { EventTail } from "../../src/events/event-tail.ts";
import { type EventRouteDeps, eventRoutes } from "../../src/events/routes.ts";
import { createApiRouter } from "../../src/http/router.ts";
import { sseResponse } from "../../src/http/sse-response.ts";

/** The SSE routes with an event log that fails the way Redis does, without Redis. */
function eventsApp(after: EventLog["after"]) {
  const eventLog = {
    keys: { ofOwner: () => "events:owner", ofSession: () => "events:session" },
    retentionMs: 86_400_000,
    beyondRetention: async () => false,
    after,
  } as unknown as EventLog;
  const eventTail: EventTail = { subscribe: () => () => {}, close: async () => {} };
  const deps: EventRouteDeps = {
    eventLog,
    eventTail,
    sessions: {} as EventRouteDeps["sessions"],
    logger: pino({ level: "silent" }),
    sseHeartbeatMs: 60_000,
  };
  const app = createApiRouter();
  app.use((c, next) => {
    c.set("subject", { userId: "u" });
    return next();
  });
  app.route("/", eventRoutes(deps));
  return app;
}

describe("an SSE stream that fails", () => {
  it("tells the client in the error shape only, never the failure's own message, and ends", async () => {
    const app = eventsApp(async () => {
      throw new Error("READONLY You can't write against a read only replica (blc:events:owner:internal-detail)");
    });
    const res = await app.request("/events?lastEventId=1-0");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('"code":"storage_unavailable"');
    expect(text).not.toContain("internal-detail");
    expect(text.match(/^event: error$/gm)).toHaveLength(1);
  });

  it("answers a thrown value that is not an Error the same way (hono printed it raw to stderr)", async () => {
    const app = eventsApp(async () => {
      throw "not an error";
    });
    const text = await (await app.request("/events?lastEventId=1-0")).text();
    expect(text).toContain('"code":"storage_unavailable"');
  });

  it("ends the stream, and leaves no rejection behind, when telling the client fails too", async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      const app = createApiRouter();
      app.get("/s", (c) =>
        sseResponse(
          c,
          async () => {
            throw new Error("the pump failed");
          },
          async () => {
            throw new Error("so did telling the client");
          },
        ),
      );
      expect(await (await app.request("/s")).text()).toBe("");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });
});
