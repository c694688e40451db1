import { randomBytes } from "node:crypto";
import type { CallbackOutcome } from "./oauth2-flow.ts";

/** The message the opener receives: `{ type: "oauth2_result", credentialId, providerId }` or `{ type, error: { code, message } }`. */
export function resultMessage(outcome: CallbackOutcome) {
  return outcome.ok
    ? { type: "oauth2_result" as const, credentialId: outcome.credentialId, providerId: outcome.providerId }
    : { type: "oauth2_result" as const, error: { code: outcome.code, message: outcome.message } };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * The page the popup ends on. It posts the result to its opener, only to the return origin bound
 * to the state (none when the state was not ours: then it only shows the message), then closes.
 * Its inline script runs under a per-response nonce; nothing else may load.
 */
export function callbackPage(outcome: CallbackOutcome): { html: string; headers: Record<string, string> } {
  const nonce = randomBytes(16).toString("base64");
  const text = outcome.ok ? "Connected. You can close this window." : outcome.message;
  const script = outcome.returnOrigin
    ? `<script nonce="${nonce}">
if (window.opener) { window.opener.postMessage(${scriptJson(resultMessage(outcome))}, ${scriptJson(outcome.returnOrigin)}); window.close(); }
</script>`
    : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${outcome.ok ? "Connected" : "Connection failed"}</title></head>
<body style="font: 16px system-ui, sans-serif; margin: 3em auto; max-width: 32em; padding: 0 1em">
<h1 style="font-size: 1.2em">${outcome.ok ? "Connected" : "The connection did not work"}</h1>
<p id="message">${escapeHtml(text)}</p>
${script}
</body></html>`;
  return {
    html,
    headers: {
      "Content-Security-Policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'`,
      "Cache-Control": "no-store",
      // The callback URL carries the authorization code: never sent on as a referrer.
      "Referrer-Policy": "no-referrer",
    },
  };
}
