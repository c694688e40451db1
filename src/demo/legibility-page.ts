import { html } from "hono/html";

/**
 * The live view's legibility fixture (`/legibility`): the small text of a real login form, on white
 * and on a tinted card, that a user must read through the view's compressed frames: 11–13 px labels,
 * light grey placeholders, a 12 px red error, a small link, and a code of look-alike characters.
 * Every text carries `data-text` (its name) so that a measurement finds its box in the DOM.
 * Fonts are the machine's own (DejaVu on Debian), never fetched. Nothing blinks or moves: `#tick`,
 * a 2 px square in a corner away from all text, is what a measurement changes to make Chromium paint.
 */
const card = (side: "white" | "tinted") => html`<form class="card ${side}" onsubmit="return false">
  <h2 data-text="${side}-title">Sign in to Acme</h2>
  <label data-text="${side}-label-email" for="${side}-email">Email address</label>
  <input id="${side}-email" data-text="${side}-placeholder-email" placeholder="name@example.com" />
  <label data-text="${side}-label-password" for="${side}-password">Password</label>
  <input id="${side}-password" type="password" data-text="${side}-placeholder-password" placeholder="At least 12 characters" />
  <p class="error" data-text="${side}-error">Incorrect password. 2 attempts left.</p>
  <p class="code-label" data-text="${side}-code-label">Type the code: <span class="code" data-text="${side}-code">Il1|O0 lI|1 0OIl</span></p>
  <a href="#" data-text="${side}-link">Forgot password?</a>
  <p class="fine" data-text="${side}-fine">By signing in you agree to the Terms of Service and Privacy Policy.</p>
</form>`;

export const legibilityPage = () => html`<!doctype html>
<html><head><meta charset="utf-8"><title>Legibility</title>
<style>
  html,body{margin:0;background:#fff;font-family:"DejaVu Sans",sans-serif;color:#202124}
  main{display:flex;gap:40px;padding:24px 40px}
  .card{flex:1;padding:20px 24px;border-radius:8px}
  .white{background:#fff;border:1px solid #dadce0}
  .tinted{background:#e8f0fe;border:1px solid #c6dafc}
  h2{font-size:18px;font-weight:600;margin:0 0 16px}
  label{display:block;font-size:12px;color:#5f6368;margin:10px 0 4px}
  input{display:block;box-sizing:border-box;width:100%;height:32px;padding:0 8px;font:13px "DejaVu Sans",sans-serif;
    border:1px solid #dadce0;border-radius:4px;background:#fff;color:#202124;outline:none;caret-color:transparent}
  input::placeholder{color:#aaa}
  .error{font-size:12px;color:#d93025;margin:10px 0}
  .code-label{font-size:12px;margin:10px 0}
  .code{font-size:13px;letter-spacing:1px}
  a{display:inline-block;font-size:12px;color:#1a73e8}
  .fine{font-size:11px;color:#80868b;margin:12px 0 0}
  #tick{position:fixed;right:0;bottom:0;width:2px;height:2px;background:#fff}
</style></head>
<body><main>${card("white")}${card("tinted")}</main><div id="tick"></div></body></html>`;
