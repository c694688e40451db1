import { createServer, type Server } from "node:http";
import { freePort } from "./free-port.ts";

/** What one page view of the app shows: its backend mints a component link for it, as a real app's does. */
export interface HostPageView {
  /** The component link's URL, minted by the app's backend for this page view. */
  link: string;
  /** The app's connect check for the link (CONNECT_VERIFIER_KEY), if any. */
  check?: string;
  /** A Connect button per provider id. */
  buttons?: string[];
  connections?: boolean;
  /** An organisation OAuth-client form per provider id. */
  clientForms?: string[];
  /** The page is the React app (`host.scripts["/react-app.js"]`), showing a button for this provider and the list. */
  react?: { provider: string };
}

export interface ComponentHost {
  /** The app's origin: another host and port than the service's. */
  origin: string;
  /** Registers a page view and answers its URL on the app. */
  page(view: HostPageView | ((origin: string) => Promise<HostPageView>)): string;
  /** Scripts the app serves from its own origin, by path (the React app's bundle). */
  scripts: Record<string, string>;
  close(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * An app's own pages on loopback (http://localhost:<port>, another site than the service on
 * 127.0.0.1): a settings page holding the connect components, loaded with ONE script tag from the
 * service, under a strict CSP (no inline script or style, scripts, fetches and frames from the
 * service only). The page's stylesheet themes the components with their custom properties. The
 * backend part, minting a link per page view, is the test's function passed to `page()`.
 */
export async function startComponentHost(serviceOrigin: string, port?: number): Promise<ComponentHost> {
  port ??= await freePort();
  const origin = `http://localhost:${port}`;
  const views = new Map<string, HostPageView | ((origin: string) => Promise<HostPageView>)>();
  let next = 0;
  const scripts: Record<string, string> = {};

  const render = (view: HostPageView) => {
    const common = `link="${escapeHtml(view.link)}"${view.check ? ` check="${escapeHtml(view.check)}"` : ""}`;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Notes: settings</title>
<link rel="stylesheet" href="/app.css">
<script src="${serviceOrigin}/connect-assets/components.js" defer></script>
${view.react ? '<script src="/react-app.js" defer></script>' : ""}
</head><body>
${view.react ? `<div id="root" data-link="${escapeHtml(view.link)}" data-provider="${escapeHtml(view.react.provider)}"></div>` : ""}
<main>
<h1>Acme Notes</h1>
<h2>Connected services</h2>
<div class="buttons">
${(view.buttons ?? []).map((p) => `<blc-connect-button ${common} provider="${escapeHtml(p)}"></blc-connect-button>`).join("\n")}
</div>
${view.connections ? `<blc-connections ${common}></blc-connections>` : ""}
${(view.clientForms ?? []).map((p) => `<blc-oauth-client-form ${common} provider="${escapeHtml(p)}"></blc-oauth-client-form>`).join("\n")}
</main></body></html>`;
  };

  const CSS = `body { margin: 0; font: 16px/1.5 Georgia, serif; background: #fbf8f3; color: #2a2522; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5rem; }
.buttons blc-connect-button { flex: 1 1 100%; }
blc-connect-button, blc-connections, blc-oauth-client-form { --blc-color-accent: #0b6e4f; --blc-color-focus: #7a3e00;
  --blc-radius: 10px; --blc-font: 16px/1.5 system-ui, sans-serif; margin-bottom: 0.75rem; }`;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", origin);
    const script = scripts[url.pathname];
    if (script !== undefined) {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      return res.end(script);
    }
    if (url.pathname === "/app.css") {
      res.writeHead(200, { "content-type": "text/css; charset=utf-8" });
      return res.end(CSS);
    }
    const entry = views.get(url.pathname);
    if (!entry) {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("not found");
    }
    try {
      const view = typeof entry === "function" ? await entry(origin) : entry;
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": [
          "default-src 'none'",
          `script-src ${serviceOrigin}${view.react ? " 'self'" : ""}`,
          `connect-src ${serviceOrigin}`,
          `frame-src ${serviceOrigin}`,
          "style-src 'self'",
          "img-src 'self'",
          "base-uri 'none'",
          "form-action 'none'",
        ].join("; "),
      });
      res.end(render(view));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    origin,
    scripts,
    page(view) {
      const path = `/settings-${++next}`;
      views.set(path, view);
      return `${origin}${path}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
