import { describe, expect, it } from "vitest";
import { createLoginUrlPolicy } from "../../src/browser-login/login-url-policy.ts";
import { createAddressPolicy, privateRange } from "../../src/network/address-policy.ts";

/** Forms of 127.0.0.1 and of other private IPv4 addresses that IPv6 carries. */
const PRIVATE_IN_DISGUISE = [
  "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
  "64:ff9b::a00:1", // NAT64 of 10.0.0.1
  "64:ff9b:1::7f00:1", // local-use NAT64: where the IPv4 sits depends on the network
  "2002:7f00:1::", // 6to4 of 127.0.0.1
  "2002:a9fe:a9fe::1", // 6to4 of 169.254.169.254 (cloud metadata)
  "::ffff:127.0.0.1",
  "::ffff:0:7f00:1",
  "::7f00:1", // deprecated IPv4-compatible
  "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1
];

describe("address policy", () => {
  it("refuses private addresses, including IPv4 ones inside IPv6 forms", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "ff02::1",
      ...PRIVATE_IN_DISGUISE,
    ]) {
      expect(privateRange(address), address).not.toBeNull();
    }
  });

  it("lets public addresses through, also in the IPv6 forms that carry them", () => {
    for (const address of [
      "8.8.8.8",
      "93.184.216.34",
      "2606:4700::1111",
      "64:ff9b::808:808",
      "2002:808:808::1",
      "::ffff:8.8.8.8",
    ]) {
      expect(privateRange(address), address).toBeNull();
    }
  });

  it("refuses a name when any of its addresses is private, and allows private ones only for the listed host:port", async () => {
    const resolver = async (host: string) =>
      ({ "mixed.test": ["8.8.8.8", "127.0.0.1"], "internal.test": ["10.0.0.5"], "public.test": ["8.8.4.4"] })[host] ??
      [];
    const policy = createAddressPolicy(
      { allowPrivateAddresses: false, privateAllowedFor: ["internal.test:8443"] },
      resolver,
    );
    expect(await policy.resolve("mixed.test", 443)).toMatchObject({ ok: false });
    expect(await policy.resolve("internal.test", 443)).toMatchObject({ ok: false });
    expect(await policy.resolve("internal.test", 8443)).toEqual({ ok: true, addresses: ["10.0.0.5"] });
    expect(await policy.resolve("public.test", 443)).toEqual({ ok: true, addresses: ["8.8.4.4"] });
    expect(await policy.resolve("nowhere.test", 443)).toMatchObject({
      ok: false,
      reason: "nowhere.test does not resolve",
    });
    expect(await policy.resolve("[64:ff9b::7f00:1]", 80)).toMatchObject({ ok: false });
  });

  it("refuses client login URLs whose literal address is a disguised private one", async () => {
    // The allowlist holds each host as the URL parser writes it, so that only the address rule can refuse.
    const hosts = PRIVATE_IN_DISGUISE.map((a) => new URL(`http://[${a}]/`).hostname);
    const check = createLoginUrlPolicy({
      enabled: true,
      allowedHosts: hosts.map((h) => h.slice(1, -1)),
      allowPrivateAddresses: false,
    });
    for (const host of hosts) {
      await expect(check(`http://${host}/login`), host).rejects.toMatchObject({
        code: "login_url_not_allowed",
        message: expect.stringContaining("private"),
      });
    }
  });
});
