import { describe, expect, it } from "vitest";
import { guardCommand } from "../../src/keep-alive/devtools-guard.ts";
import { mintDevToolsToken, parseDevToolsToken, verifyDevToolsToken } from "../../src/keep-alive/devtools-token.ts";

const SESSION = `ls_${"a".repeat(32)}`;
const command = (method: string, params?: unknown, extra: object = {}) =>
  JSON.stringify({ id: 7, method, ...(params === undefined ? {} : { params }), ...extra });

describe("what an app may ask of a kept-alive browser over DevTools", () => {
  it("passes page and browser work through untouched", () => {
    for (const text of [
      command("Browser.getVersion"),
      command("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }),
      command("Runtime.evaluate", { expression: "1+1" }, { sessionId: "S1" }),
      command("Page.navigate", { url: "https://app.example.com/home" }, { sessionId: "S1" }),
      command("Target.createTarget", { url: "about:blank" }),
      command("Network.getCookies"),
    ])
      expect(guardCommand(text)).toEqual({ pass: text });
  });

  it("refuses what reaches the worker's machine or ends the browser, answering the command's id and session", () => {
    for (const [method, params] of [
      ["Browser.close", undefined],
      ["Browser.crash", undefined],
      ["DOM.setFileInputFiles", { files: ["/etc/passwd"], nodeId: 1 }],
      ["Page.navigate", { url: "file:///etc/passwd" }],
      ["Page.navigate", { url: "chrome://settings" }],
      ["Target.createTarget", { url: "view-source:file:///etc/hosts" }],
      ["Network.loadNetworkResource", { url: "file:///etc/shadow", frameId: "F" }],
      ["Input.dispatchDragEvent", { type: "drop", x: 1, y: 1, data: { items: [], files: ["/root/.ssh/id_rsa"] } }],
      ["Extensions.loadUnpacked", { path: "/tmp/x" }],
      ["Target.exposeDevToolsProtocol", { targetId: "T" }],
    ] as const) {
      const verdict = guardCommand(command(method, params, { sessionId: "S1" }));
      expect(verdict, method).toMatchObject({ refuse: { id: 7, sessionId: "S1", message: expect.any(String) } });
    }
  });

  it("turns downloads off instead of refusing them (connectOverCDP sets a download behaviour when it attaches)", () => {
    const verdict = guardCommand(
      command("Browser.setDownloadBehavior", {
        behavior: "allowAndName",
        downloadPath: "/home/app/dl",
        eventsEnabled: true,
      }),
    );
    expect("pass" in verdict && JSON.parse(verdict.pass)).toEqual({
      id: 7,
      method: "Browser.setDownloadBehavior",
      params: { eventsEnabled: true, behavior: "deny" },
    });
  });

  it("closes the connection on anything that is not a command", () => {
    for (const text of [
      "",
      "nope",
      "[]",
      "null",
      "5",
      JSON.stringify({ method: "Browser.getVersion" }),
      JSON.stringify({ id: "1", method: "Browser.getVersion" }),
      JSON.stringify({ id: 1.5, method: "Browser.getVersion" }),
      JSON.stringify({ id: 1, method: 5 }),
      JSON.stringify({ id: 1, method: "x".repeat(101) }),
      JSON.stringify({ id: 1, method: "Page.enable", params: [] }),
      JSON.stringify({ id: 1, method: "Page.enable", sessionId: 4 }),
    ])
      expect(guardCommand(text), text).toHaveProperty("close");
  });
});

describe("DevTools links", () => {
  const secret = Buffer.alloc(32, 7);
  it("hold for their session and generation only", () => {
    const token = mintDevToolsToken(secret, SESSION, 0);
    expect(parseDevToolsToken(token)).toEqual({ sessionId: SESSION });
    expect(verifyDevToolsToken(secret, token, 0)).toBe(true);
    expect(verifyDevToolsToken(secret, token, 1)).toBe(false);
    expect(verifyDevToolsToken(Buffer.alloc(32, 8), token, 0)).toBe(false);
    const other = `ls_${"b".repeat(32)}`;
    expect(verifyDevToolsToken(secret, token.replace(SESSION, other), 0)).toBe(false);
    for (const bad of ["", "x", `${SESSION}.d`, `${SESSION}.c${token.slice(-24)}`, `${token}x`])
      expect(verifyDevToolsToken(secret, bad, 0)).toBe(false);
  });
});
