import type { Infra } from "../core/infra.ts";
import { createConnectLinks } from "./connect-links.ts";

/** Connect links, signed with the live view's secret: "connect|" tokens cannot pass for "view|" or "relay|" ones. */
export function buildConnect(
  { config, redis }: Infra,
  { secret, publicUrl }: { secret: Buffer; publicUrl: () => string },
) {
  return {
    links: createConnectLinks(redis, {
      prefix: config.REDIS_PREFIX,
      secret,
      pageTtlMs: config.CONNECT_PAGE_TTL_SECONDS * 1000,
    }),
    linkTtlMs: config.CONNECT_LINK_TTL_SECONDS * 1000,
    publicUrl,
    frameAncestors: config.LIVE_VIEW_FRAME_ANCESTORS,
    verifierKey: config.CONNECT_VERIFIER_KEY,
    returnSchemes: config.CONNECT_RETURN_SCHEMES,
    componentOrigins: config.CONNECT_COMPONENT_ORIGINS,
  };
}

export type ConnectParts = ReturnType<typeof buildConnect>;
