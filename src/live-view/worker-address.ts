import ipaddr from "ipaddr.js";

/**
 * Whether the API may dial a worker's live-view address. The hop carries the user's keystrokes
 * (their password) and pictures of the login page: with LIVE_VIEW_REQUIRE_TLS it must be wss://,
 * unless it never leaves this machine (a loopback address).
 */
export function workerAddressRefusal(address: string, requireTls: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return "not a URL";
  }
  if (url.protocol === "wss:") return undefined;
  if (url.protocol !== "ws:") return `${url.protocol} is not a live-view address`;
  if (!requireTls || isLoopback(url.hostname)) return undefined;
  return "plain ws:// to a host other than this machine, and LIVE_VIEW_REQUIRE_TLS is set (give the worker LIVE_VIEW_TLS_CERT and LIVE_VIEW_TLS_KEY)";
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost") return true;
  // ipaddr.process reads ::ffff:127.0.0.1 as the IPv4 address it carries.
  return ipaddr.isValid(host) && ipaddr.process(host).range() === "loopback";
}
