import { createServer, type Server } from "node:http";
import { freePort } from "./free-port.ts";

/**
 * An app's page on its own loopback origin: a "Connect" button opens the authorization URL in a
 * popup (window.open, as apps do), and every message the popup posts back is shown on the page and
 * kept in `window.oauth2Messages` with the origin it came from.
 */
export async function startAppPage(): Promise<{
  origin: string;
  pageUrl(authorizationUrl: string): string;
  close(): Promise<void>;
}> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const html = `<!doctype html><html><body>
<button id="connect">Connect</button>
<pre id="result"></pre>
<script>
window.oauth2Messages = [];
const url = new URLSearchParams(location.search).get("authorizationUrl");
document.getElementById("connect").onclick = () => window.open(url, "oauth2", "popup,width=500,height=600");
window.addEventListener("message", (event) => {
  window.oauth2Messages.push({ origin: event.origin, data: event.data });
  document.getElementById("result").textContent = JSON.stringify(event.data);
});
</script></body></html>`;
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    origin,
    pageUrl: (authorizationUrl) => `${origin}/?authorizationUrl=${encodeURIComponent(authorizationUrl)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
