import { pinnedRequest } from "../network/pinned-request.ts";

/**
 * POSTs a body to a URL, connecting only to `addresses` (those the address policy checked), with no
 * redirect followed: a webhook answered with a redirect is a failed delivery. Resolves with the
 * status code; the response body is read and dropped.
 */
export async function postWebhook(
  url: URL,
  addresses: string[],
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  const answer = await pinnedRequest(url, addresses, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
    timeoutMs,
  });
  return answer.status;
}
