import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * Where a login browser may connect: the rule written once, shared by the API's check of a client's
 * `loginUrl` and by the egress proxy that every request of a client-URL session goes through.
 *
 * An address is public when ipaddr.js classes it `unicast`; every other range (loopback, private,
 * link-local, unique-local, carrier-grade NAT, unspecified, multicast, broadcast, reserved...) is
 * private. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4, Teredo)
 * are judged by the IPv4 address they carry, so `64:ff9b::7f00:1` is loopback like `127.0.0.1`.
 */
export interface AddressPolicyOptions {
  /** Let private addresses through (a login site on the operator's own network). */
  allowPrivateAddresses: boolean;
  /** `host:port` pairs (`[::1]:8080` for IPv6) that may resolve to private addresses even when the rest may not. */
  privateAllowedFor?: string[];
}

export type Resolver = (host: string) => Promise<string[]>;

/** Every address of the host, all checked: a connection tries them in order and goes nowhere else. */
export type AddressDecision = { ok: true; addresses: string[] } | { ok: false; reason: string };

export interface AddressPolicy {
  /** Resolves `host` once and gives the addresses the browser may connect to, or says why none. */
  resolve(host: string, port: number): Promise<AddressDecision>;
}

const systemResolver: Resolver = (host) =>
  lookup(host, { all: true, verbatim: true }).then((all) => all.map((a) => a.address));

/** Why an address is not public, or null when it is. */
export function privateRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") {
    const range = parsed.range();
    return range === "unicast" ? null : range;
  }
  const v6 = parsed as ipaddr.IPv6;
  const embedded = embeddedIPv4(v6);
  if (embedded === "refused") return v6.range();
  if (embedded) {
    const inner = embedded.map((v4) => privateRange(v4.toString())).find((r) => r !== null);
    return inner ? `${v6.range()} of ${inner}` : null;
  }
  const range = v6.range();
  return range === "unicast" ? null : range;
}

/**
 * The IPv4 addresses an IPv6 address stands for: none when it is plain IPv6, "refused" when it
 * carries one in a place that depends on the network (the local-use NAT64 prefix 64:ff9b:1::/48).
 */
function embeddedIPv4(v6: ipaddr.IPv6): ipaddr.IPv4[] | "refused" | null {
  const p = v6.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  switch (v6.range()) {
    case "ipv4Mapped": // ::ffff:a.b.c.d
    case "rfc6145": // ::ffff:0:a.b.c.d
      return [v4(p[6]!, p[7]!)];
    case "rfc6052": // 64:ff9b::a.b.c.d; 64:ff9b:1::/48 embeds at a network-chosen prefix length
      return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 && p[1] === 0xff9b && p[0] === 0x64
        ? [v4(p[6]!, p[7]!)]
        : "refused";
    case "6to4": // 2002:AABB:CCDD::/48
      return [v4(p[1]!, p[2]!)];
    case "teredo": // 2001:0:server-v4:flags:port:client-v4 (client inverted)
      return [v4(p[2]!, p[3]!), v4(p[6]! ^ 0xffff, p[7]! ^ 0xffff)];
    default:
      // The deprecated IPv4-compatible form ::a.b.c.d (the unspecified and loopback addresses aside).
      return p.slice(0, 6).every((x) => x === 0) && v6.range() === "unicast" ? [v4(p[6]!, p[7]!)] : null;
  }
}

export function createAddressPolicy(options: AddressPolicyOptions, resolver: Resolver = systemResolver): AddressPolicy {
  const exceptions = new Set((options.privateAllowedFor ?? []).map((entry) => entry.toLowerCase()));
  return {
    async resolve(rawHost, port) {
      const host = rawHost.replace(/^\[|\]$/g, "").toLowerCase();
      const addresses = ipaddr.isValid(host)
        ? [ipaddr.parse(host).toString()]
        : await resolver(host).catch(() => [] as string[]);
      if (addresses.length === 0) return { ok: false, reason: `${host} does not resolve` };
      const hostPort = `${host.includes(":") ? `[${host}]` : host}:${port}`;
      if (options.allowPrivateAddresses || exceptions.has(hostPort)) return { ok: true, addresses };
      // One private answer refuses the host: a name that mixes public and private answers is a rebinding attempt.
      for (const address of addresses) {
        const range = privateRange(address);
        if (range) return { ok: false, reason: `${host} resolves to a private address (${range})` };
      }
      if (host === "localhost" || host.endsWith(".localhost"))
        return { ok: false, reason: `${host} is a loopback name` };
      return { ok: true, addresses };
    },
  };
}
