import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/core/logging/logger.ts";

/** A logger writing to memory; `lines()` parses what it printed. */
function memoryLogger() {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  return {
    logger,
    text: () => chunks.join(""),
    lines: () =>
      chunks
        .join("")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
  };
}

const SECRET = "s3cr3t-cookie-value-4711";

describe("log redaction", () => {
  it("redacts secret-bearing fields at the top level", () => {
    const { logger, text, lines } = memoryLogger();
    logger.info({ cookies: [{ name: "sid", value: SECRET }], sessionId: "ls_1" }, "captured");
    logger.info({ value: SECRET, status: "completed" });
    logger.info({
      storageState: {
        cookies: [],
        origins: [{ origin: "https://a.test", localStorage: [{ name: "t", value: SECRET }] }],
      },
    });
    expect(text()).not.toContain(SECRET);
    const [first, second] = lines();
    expect(first).toMatchObject({ cookies: "[redacted]", sessionId: "ls_1", msg: "captured" });
    expect(second).toMatchObject({ value: "[redacted]", status: "completed" });
  });

  it("redacts a TOTP secret under the names it travels with", () => {
    const { logger, text } = memoryLogger();
    logger.info({ totpSecret: SECRET, body: { totp: { secret: SECRET }, providerId: "demo" } }, "start");
    expect(text()).not.toContain(SECRET);
    expect(text()).toContain("demo");
  });

  it("redacts them at any depth, in arrays too, and leaves the other fields and the caller's object alone", () => {
    const { logger, text, lines } = memoryLogger();
    const deep = {
      a: { b: { c: { cookies: [{ value: SECRET }], count: 2 } } },
      list: [{ x: { Authorization: `Bearer ${SECRET}` } }],
    };
    logger.warn(deep, "deep");
    expect(text()).not.toContain(SECRET);
    expect(lines()[0]).toMatchObject({
      a: { b: { c: { cookies: "[redacted]", count: 2 } } },
      list: [{ x: { Authorization: "[redacted]" } }],
    });
    expect(deep.a.b.c.cookies[0]!.value).toBe(SECRET);
  });

  it("keeps counts, and redacts raw bytes and child bindings", () => {
    const { logger, text, lines } = memoryLogger();
    logger
      .child({ requestId: "r1", apiKey: SECRET })
      .info({ cookies: 3, dataKey: Buffer.from(SECRET), nested: { buf: Buffer.from(SECRET) } }, "done");
    expect(text()).not.toContain(SECRET);
    expect(text()).not.toContain(Buffer.from(SECRET).toString("base64"));
    expect(lines()[0]).toMatchObject({ requestId: "r1", apiKey: "[redacted]", cookies: 3, dataKey: "[redacted]" });
  });

  it("keeps an error's message and stack but scrubs the URLs' credentials, query strings and fragments", () => {
    const { logger, text, lines } = memoryLogger();
    const error = new Error(
      `page.goto: net::ERR_FAILED at https://app.test/callback?code=${SECRET}#access_token=${SECRET}`,
    );
    logger.error({ err: error, sessionId: "ls_2" }, "navigation failed");
    logger.error(new Error(`connect to https://user:${SECRET}@db.test/x failed`));
    logger.info(`visited https://app.test/cb?token=${SECRET}`);
    expect(text()).not.toContain(SECRET);
    const [withErr, bare, message] = lines();
    expect(withErr.err.message).toBe("page.goto: net::ERR_FAILED at https://app.test/callback?[redacted]");
    expect(withErr.err.stack).toContain("log-redaction.test.ts");
    expect(withErr).toMatchObject({ sessionId: "ls_2", msg: "navigation failed" });
    expect(bare.msg).toBe("connect to https://[redacted]@db.test/x failed");
    expect(message.msg).toBe("visited https://app.test/cb?[redacted]");
  });

  it("survives cycles", () => {
    const { logger, lines } = memoryLogger();
    const loop: Record<string, unknown> = { id: "x" };
    loop.self = loop;
    logger.info({ loop });
    expect(lines()[0].loop).toEqual({ id: "x", self: "[circular]" });
  });
});
