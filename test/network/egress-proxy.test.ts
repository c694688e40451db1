import { createServer, request, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAddressPolicy } from "../../src/network/address-policy.ts";
import { type BlockedRequest, type EgressProxy, startEgressProxy } from "../../src/network/egress-proxy.ts";

/**
 * The proxy on its own, with a resolver that knows `allowed.test` (loopback, allowed for its port
 * only): an answer only the proxy's resolver gives, so a request reaching the fixture proves the
 * connection went to the address the proxy checked, not to a second lookup.
 */
describe("egress proxy", () => {
  let site: Server;
  let sitePort: number;
  let proxy: EgressProxy;
  const seen: string[] = [];
  const blocked: BlockedRequest[] = [];

  beforeAll(async () => {
    site = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.end(`hello ${req.method}`);
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    sitePort = (site.address() as AddressInfo).port;
    const resolver = async (host: string) => (host === "allowed.test" || host === "other.test" ? ["127.0.0.1"] : []);
    const policy = createAddressPolicy(
      { allowPrivateAddresses: false, privateAllowedFor: [`allowed.test:${sitePort}`] },
      resolver,
    );
    proxy = await startEgressProxy(policy, (b) => blocked.push(b));
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => site.close(resolve));
  });

  const viaProxy = (url: string) =>
    new Promise<{ status: number; body: string; cookies: string[] }>((resolve, reject) => {
      const { port } = new URL(proxy.server);
      const req = request({ host: "127.0.0.1", port, path: url, headers: { host: new URL(url).host } }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, body, cookies: res.headers["set-cookie"] ?? [] }));
      });
      req.on("error", reject);
      req.end();
    });

  const tunnel = (target: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(proxy.server).port), "127.0.0.1", () =>
        socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`),
      );
      socket.once("data", (data) => {
        resolve(String(data).split("\r\n")[0]!);
        socket.destroy();
      });
      socket.on("error", reject);
    });

  it("forwards plain HTTP to the checked address, keeping the Host header and every Set-Cookie", async () => {
    const res = await viaProxy(`http://allowed.test:${sitePort}/page?x=1`);
    expect(res).toEqual({ status: 200, body: "hello GET", cookies: ["a=1", "b=2"] });
    expect(seen).toContain(`allowed.test:${sitePort} /page?x=1`);
  });

  it("refuses private addresses with a 403 page and reports the request without its query", async () => {
    const before = seen.length;
    for (const host of [
      `127.0.0.1:${sitePort}`,
      `other.test:${sitePort}`,
      `localhost:${sitePort}`,
      `[::ffff:7f00:1]:${sitePort}`,
    ]) {
      const res = await viaProxy(`http://${host}/secret?token=abc#frag`);
      expect(res.status, host).toBe(403);
      expect(res.body).toContain("Request blocked");
    }
    expect(seen.length).toBe(before);
    expect(blocked.find((b) => b.host === `127.0.0.1:${sitePort}`)).toMatchObject({
      url: `http://127.0.0.1:${sitePort}/secret`,
      reason: expect.stringContaining("loopback"),
    });
    expect(JSON.stringify(blocked)).not.toContain("token=abc");
  });

  it("tunnels CONNECT to allowed hosts only", async () => {
    expect(await tunnel(`allowed.test:${sitePort}`)).toBe("HTTP/1.1 200 Connection Established");
    expect(await tunnel(`127.0.0.1:${sitePort}`)).toBe("HTTP/1.1 403 Forbidden");
    expect(await tunnel(`unknown.test:443`)).toBe("HTTP/1.1 403 Forbidden");
    expect(blocked.at(-1)).toMatchObject({ host: "unknown.test:443", reason: "unknown.test does not resolve" });
  });
});
