// The connect components: custom elements an app puts in its own pages, from one script tag served
// by this service (/connect-assets/components.js). Plain script, no build step, no framework.
//
//   <blc-connect-button link="…" provider="github">   connects one provider (OAuth2 popup, the live
//                                                       view for a browser login, an API-key form)
//   <blc-connections link="…">                          the person's connections, with Disconnect
//   <blc-oauth-client-form link="…" provider="github">  the organisation's own OAuth client (admins)
//
// `link` is a component link the app's backend minted for this page view (POST /connect/links with
// componentOrigin). Elements given the same link share one session: the first opens the link, which
// answers a binding secret to this page's origin only; it stays in this script's memory and goes
// with every request in a header (never a cookie, never storage). No service key is ever here.
// Styles are constructed style sheets inside each element's shadow root, so a host page's CSP needs
// no 'unsafe-inline'; theme them with the --blc-* custom properties and ::part().
// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module: strict mode is not implied
"use strict";
(() => {
  if (customElements.get("blc-connect-button")) return; // the script included twice

  // ---- Talking to the service: one session per link ----

  // @include shared/connect-flow.js

  const UNREACHABLE = "The service could not be reached. Check your connection and try again.";

  const sessions = new Map();

  /** The session of a link URL, opened once and shared by every element given that link. */
  function sessionFor(linkUrl, check) {
    let session = sessions.get(linkUrl);
    if (!session) {
      session = openSession(linkUrl, check);
      sessions.set(linkUrl, session);
    }
    return session;
  }

  function openSession(linkUrl, check) {
    const url = new URL(linkUrl, location.href);
    const at = url.pathname.lastIndexOf("/connect/");
    if (at < 0 || !/^https?:$/.test(url.protocol)) throw new Error("The link attribute is not a connect link");
    const base = `${url.origin}${url.pathname}`;
    /** Where the service's own pages are: the live view and the OAuth2 callback page are on it. */
    const serviceOrigin = url.origin;
    const serviceBase = `${url.origin}${url.pathname.slice(0, at)}`;
    const events = new EventTarget();
    let binding;
    let ended;

    async function call(method, path, body) {
      if (ended) throw ended;
      let response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          mode: "cors",
          credentials: "omit",
          cache: "no-store",
          referrerPolicy: "no-referrer",
          headers: {
            ...(body === undefined ? {} : { "content-type": "application/json" }),
            ...(binding ? { "x-connect-binding": binding } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch {
        throw new Error(UNREACHABLE);
      }
      if (response.status === 204) return undefined;
      const parsed = await response.json().catch(() => undefined);
      if (!response.ok) {
        const failure = new ApiFailure(response.status, parsed);
        if (LINK_ENDED[failure.code] && !ended) {
          ended = failure;
          events.dispatchEvent(new CustomEvent("ended", { detail: failure }));
        }
        throw failure;
      }
      return parsed;
    }

    const opened = call("POST", "/open", check ? { check } : {}).then((link) => {
      binding = link.binding;
      delete link.binding;
      return link;
    });
    opened.catch(() => {}); // each element says why, when it awaits it
    return {
      opened,
      call,
      events,
      serviceOrigin,
      serviceBase,
      get ended() {
        return ended;
      },
      /** Tells every element of this link that its connections changed. */
      changed: () => events.dispatchEvent(new Event("changed")),
    };
  }

  /** The URL with the outcome in its query: `status`, and `providerId` when there is one. Nothing secret. */
  function withOutcome(url, status, providerId) {
    const target = new URL(url);
    target.searchParams.set("status", status);
    if (providerId) target.searchParams.set("providerId", providerId);
    return target.href;
  }

  // ---- Looks: one sheet, themed by custom properties that pierce the shadow root ----

  const CSS = `
:host { display: block; font: var(--blc-font, inherit); color: var(--blc-color-text, #1d1d1f);
  --_accent: var(--blc-color-accent, #2450c4); --_danger: var(--blc-color-danger, #a3231c);
  --_border: var(--blc-color-border, #8a8a90); --_radius: var(--blc-radius, 6px);
  --_gap: var(--blc-spacing, 0.75rem); --_control: var(--blc-control-height, 44px);
  --_focus: var(--blc-color-focus, #b35c00); --_surface: var(--blc-color-surface, #ffffff);
  --_muted: var(--blc-color-muted, #55555b); }
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
h3 { font-size: 1.05em; margin: var(--_gap) 0 calc(var(--_gap) / 2); }
h3:focus { outline: none; }
p { margin: calc(var(--_gap) / 2) 0; }
button { font: inherit; min-height: var(--_control); min-width: var(--_control); padding: 0.5em 1em;
  border-radius: var(--_radius); border: 1px solid var(--_accent); background: var(--_accent);
  color: var(--blc-color-accent-text, #ffffff); cursor: pointer; max-width: 100%; overflow-wrap: anywhere; }
button.secondary { background: var(--_surface); color: var(--_danger); border-color: var(--_danger); }
button:disabled { opacity: 0.6; cursor: not-allowed; }
button:focus-visible, a:focus-visible, input:focus-visible, iframe:focus-visible {
  outline: 3px solid var(--_focus); outline-offset: 2px; }
a { color: var(--blc-color-link, var(--_accent)); }
.status:empty { display: none; }
.status { padding: 0.6em 0.75em; border-radius: var(--_radius); background: var(--blc-color-info-bg, #eef2fd);
  color: var(--blc-color-info-text, #1d1d1f); overflow-wrap: anywhere; }
.status.success { background: var(--blc-color-success-bg, #e6f5ea); color: var(--blc-color-success-text, #135c2e); }
.status.error, .error { background: var(--blc-color-error-bg, #fbeaea); color: var(--blc-color-error-text, #8a1c17); }
.error { padding: 0.6em 0.75em; border-radius: var(--_radius); overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: calc(var(--_gap) / 1.5); margin-top: var(--_gap); }
.field { margin-bottom: var(--_gap); }
.field label { display: block; font-weight: 600; }
.field .help { display: block; color: var(--_muted); font-size: 0.9em; }
.field input { font: inherit; width: 100%; min-height: var(--_control); padding: 0.5em; color: inherit;
  background: var(--_surface); border: 1px solid var(--_border); border-radius: var(--_radius); }
.field input[aria-invalid="true"] { border-color: var(--_danger); }
.check { display: flex; align-items: center; gap: 0.5em; min-height: var(--_control); }
.check input { width: 1.25em; height: 1.25em; }
.panel { margin-top: var(--_gap); padding: var(--_gap); border: 1px solid var(--blc-color-panel-border, #d8d8dc);
  border-radius: calc(var(--_radius) + 2px); background: var(--_surface); }
iframe { display: block; width: 100%; height: var(--blc-live-view-height, min(75vh, 640px)); border: 1px solid #d8d8dc;
  border-radius: calc(var(--_radius) + 2px); background: #1e1e1e; }
ul { list-style: none; margin: 0; padding: 0; }
li { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em 1em; padding: var(--_gap);
  margin-bottom: calc(var(--_gap) / 1.5); background: var(--_surface); border: 1px solid var(--blc-color-panel-border, #d8d8dc);
  border-radius: calc(var(--_radius) + 2px); }
li .what { flex: 1 1 12em; min-width: 0; overflow-wrap: anywhere; }
li .detail { display: block; color: var(--_muted); font-size: 0.9em; }
`;
  let sheet;
  /** Styles for a shadow root: a constructed sheet (no inline style for the host's CSP to allow); a <style> in old browsers. */
  function style(root) {
    if (
      "adoptedStyleSheets" in root &&
      typeof CSSStyleSheet === "function" &&
      "replaceSync" in CSSStyleSheet.prototype
    ) {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      root.adoptedStyleSheets = [sheet];
    } else {
      const element = document.createElement("style");
      element.textContent = CSS;
      root.append(element);
    }
  }

  /** A small element builder: h("button", { type: "button", part: "button" }, "Save"). Properties, or attributes for dashed names. */
  function h(tag, props = {}, ...children) {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined) continue;
      if (key.includes("-") || key === "part" || key === "role") {
        if (value !== false) element.setAttribute(key, value === true ? "" : value);
      } else element[key] = value;
    }
    element.append(...children.filter((c) => c !== undefined && c !== null));
    return element;
  }

  let ids = 0;

  // ---- What every element shares ----

  class ConnectElement extends HTMLElement {
    static observedAttributes = ["link", "provider", "check", "label", "heading"];

    constructor() {
      super();
      this.root = this.attachShadow({ mode: "open" });
      style(this.root);
      this.uid = `blc${++ids}`;
    }

    connectedCallback() {
      if (!this.started) this.restart();
    }

    attributeChangedCallback(_name, before, after) {
      if (this.started && before !== after) this.restart();
    }

    /** (Re)builds the element for its current attributes: a new link is a new session. */
    restart() {
      this.started = true;
      this.unlisten?.();
      this.session = undefined;
      const link = this.getAttribute("link");
      this.build();
      if (!link) {
        this.say("This element needs a link attribute: a component link minted by the app.", "error");
        return;
      }
      try {
        this.session = sessionFor(link, this.getAttribute("check") || undefined);
      } catch (error) {
        this.say(error.message, "error");
        return;
      }
      const session = this.session;
      const onEnded = (event) => this.linkEnded(event.detail);
      const onChanged = () => this.onChanged?.();
      session.events.addEventListener("ended", onEnded);
      session.events.addEventListener("changed", onChanged);
      this.unlisten = () => {
        session.events.removeEventListener("ended", onEnded);
        session.events.removeEventListener("changed", onChanged);
      };
      session.opened.then(
        (view) => session === this.session && this.ready(view),
        (error) => session === this.session && this.fail(error),
      );
    }

    /** The status line: role="status", so screen readers say it without moving focus. */
    statusLine() {
      return h("p", { className: "status", part: "status", role: "status", "aria-live": "polite", tabIndex: -1 });
    }

    say(text, kind = "") {
      this.status.className = `status ${kind}`.trim();
      this.status.textContent = text;
    }

    /** Dispatches `name` on the element (bubbling out of any shadow root); false when a listener called preventDefault(). */
    emit(name, detail) {
      return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true }));
    }

    /** The `error` event, then the link's errorUrl unless a listener prevented it. */
    failed(detail) {
      if (this.emit("error", detail) && this.view?.errorUrl)
        location.assign(withOutcome(this.view.errorUrl, detail.status, detail.providerId));
    }

    fail(error, providerId) {
      const message = error instanceof ApiFailure || error instanceof Error ? error.message : UNREACHABLE;
      this.say(message, "error");
      if (error instanceof ApiFailure && LINK_ENDED[error.code]) {
        this.failed({ providerId, status: LINK_ENDED[error.code], code: error.code, message });
      }
    }

    /** The link stopped working (any element of it found out): no control works any more. */
    linkEnded(failure) {
      for (const control of this.root.querySelectorAll("button, input")) control.disabled = true;
      if (!this.status.textContent || !this.status.classList.contains("error")) this.say(failure.message, "error");
    }
  }

  // ---- <blc-connect-button link provider> ----

  class ConnectButton extends ConnectElement {
    build() {
      const u = this.uid;
      this.button = h("button", { type: "button", part: "button", disabled: true }, "Connect");
      this.status = this.statusLine();
      this.loginHeading = h("h3", { id: `${u}-login`, tabIndex: -1 });
      this.frame = h("iframe", { referrerPolicy: "no-referrer", allow: "clipboard-write" });
      this.elsewhere = h(
        "p",
        { hidden: true },
        h("a", { target: "_blank", rel: "noopener noreferrer" }, "Open the login page in a new tab"),
      );
      this.doneButton = h("button", { type: "button", hidden: true }, "I'm done");
      this.cancelButton = h("button", { type: "button", className: "secondary" }, "Cancel");
      this.login = h(
        "section",
        { className: "panel", part: "login", hidden: true, "aria-labelledby": this.loginHeading.id },
        this.loginHeading,
        h("p", {}, "Log in below as you always do. What you type goes to the site only."),
        this.frame,
        this.elsewhere,
        h("p", { className: "actions" }, this.doneButton, this.cancelButton),
      );
      this.formHeading = h("h3", { id: `${u}-form`, tabIndex: -1 });
      this.fields = h("div");
      this.formError = h("p", { id: `${u}-error`, className: "error", role: "alert", hidden: true });
      this.saveButton = h("button", { type: "submit" }, "Save");
      this.formCancel = h("button", { type: "button", className: "secondary" }, "Cancel");
      this.form = h(
        "form",
        { className: "panel", part: "form", hidden: true, noValidate: true, "aria-labelledby": this.formHeading.id },
        this.formHeading,
        this.fields,
        this.formError,
        h("p", { className: "actions" }, this.saveButton, this.formCancel),
      );
      this.button.addEventListener("click", () => this.connect());
      this.root.replaceChildren(
        ...[...this.root.children].filter((c) => c.localName === "style"),
        this.button,
        this.status,
        this.login,
        this.form,
      );
    }

    ready(view) {
      this.view = view;
      const id = this.getAttribute("provider");
      this.provider = view.providers.find((p) => p.id === id);
      if (!this.provider || !this.renderers[this.provider.kind]) {
        this.say(`This link does not offer ${id || "a provider"}.`, "error");
        return;
      }
      const label = this.getAttribute("label") || `Connect ${this.provider.name}`;
      this.button.textContent = label;
      this.button.disabled = false;
    }

    async connect() {
      const provider = this.provider;
      if (!provider || this.busy || this.session.ended) return;
      this.busy = true;
      this.button.disabled = true;
      try {
        const { message, credentialId } = await this.renderers[provider.kind].call(this, provider);
        this.say(message, "success");
        this.session.changed();
        const detail = { providerId: provider.id, providerName: provider.name, kind: provider.kind, credentialId };
        if (this.emit("connected", detail) && this.view.successUrl) {
          location.assign(withOutcome(this.view.successUrl, "connected", provider.id));
          return;
        }
        this.status.focus();
      } catch (error) {
        if (error instanceof ApiFailure && LINK_ENDED[error.code]) this.fail(error, provider.id);
        else {
          const message = error instanceof Error ? error.message : UNREACHABLE;
          this.say(message, "error");
          this.failed({
            providerId: provider.id,
            status: error instanceof NotConnected ? error.status : "failed",
            ...(error instanceof ApiFailure ? { code: error.code } : {}),
            message,
          });
        }
      } finally {
        this.busy = false;
        this.button.disabled = !!this.session.ended;
      }
    }

    /** Shows a login page in place: framed when it is on the service's origin (the live view), else a link to open it. */
    showLoginPage(provider, url) {
      const first = this.login.hidden;
      this.loginHeading.textContent = `Log in to ${provider.name}`;
      this.login.hidden = false;
      const framed = new URL(url, location.href).origin === this.session.serviceOrigin;
      this.frame.hidden = !framed;
      this.elsewhere.hidden = framed;
      if (framed) {
        this.frame.title = `${provider.name} login page`;
        if (this.frame.getAttribute("src") !== url) this.frame.src = url;
      } else this.elsewhere.querySelector("a").href = url;
      // Once: later updates must not take focus from the login page the person is typing in.
      if (first) this.loginHeading.focus();
    }

    hideLoginPage() {
      this.login.hidden = true;
      this.doneButton.hidden = true;
      this.frame.removeAttribute("src");
    }

    get renderers() {
      return RENDERERS;
    }
  }

  /** One way of connecting per provider kind, as on the hosted connect page; `this` is the button element. */
  const RENDERERS = {
    async browser_login(provider) {
      const { call } = this.session;
      this.say(`Opening the ${provider.name} login page…`);
      // The login browser shows the site this person's language and time zone, as their own browser would.
      let session = await call("POST", "/browser-login", { providerId: provider.id, ...personsPlace() });
      const path = `/browser-login/${encodeURIComponent(session.sessionId)}`;
      const act = (action) => call("POST", `${path}/${action}`).catch((error) => this.fail(error, provider.id));
      this.cancelButton.onclick = () => act("cancel");
      this.doneButton.onclick = () => act("done");
      try {
        for (;;) {
          if (session.liveViewUrl && !FINAL.includes(session.status)) this.showLoginPage(provider, session.liveViewUrl);
          this.doneButton.hidden = !session.awaitsDone;
          const step = loginStep(provider, session);
          if (step.connected) return { message: step.connected, credentialId: session.credentialId };
          if (step.say) this.say(step.say);
          // A long poll: answers when the status changes, or after a few seconds with the same one.
          session = await call("GET", `${path}?changedFrom=${session.status}`);
        }
      } finally {
        this.hideLoginPage();
      }
    },

    api_key(provider) {
      const { call } = this.session;
      const form = this.form;
      this.formHeading.textContent = `Enter your ${provider.name} key`;
      this.formError.hidden = true;
      const inputs = provider.fields.map((field) => fieldRow(this.uid, provider, field));
      this.fields.replaceChildren(...inputs.map((f) => f.row));
      form.hidden = false;
      this.formHeading.focus();
      this.say(`Enter your ${provider.name} details below.`);
      return new Promise((resolve, reject) => {
        const close = () => {
          form.onsubmit = null;
          this.formCancel.onclick = null;
          this.fields.replaceChildren(); // the typed key leaves the page's DOM
          form.hidden = true;
        };
        this.formCancel.onclick = () => {
          close();
          reject(new NotConnected(`${provider.name} was not connected.`, "cancelled"));
        };
        form.onsubmit = async (event) => {
          event.preventDefault();
          const fields = Object.fromEntries(inputs.map(({ field, input }) => [field.name, input.value]));
          this.saveButton.disabled = true;
          this.say(`Checking the key with ${provider.name}…`);
          try {
            const saved = await call("POST", "/api-key", { providerId: provider.id, fields });
            close();
            resolve({ message: `Connected: ${provider.name}.`, credentialId: saved.credentialId });
          } catch (failure) {
            if (!(failure instanceof ApiFailure) || LINK_ENDED[failure.code]) {
              close();
              reject(failure);
              return;
            }
            // Said where the person is typing (role="alert"), the fields marked, the first one focused for the next try.
            this.formError.textContent = failure.message;
            this.formError.hidden = false;
            this.say("");
            for (const { input } of inputs) input.setAttribute("aria-invalid", "true");
            inputs[0].input.focus();
          } finally {
            this.saveButton.disabled = false;
          }
        };
      });
    },

    async oauth2(provider) {
      const { call, serviceOrigin } = this.session;
      const popup = await openOauth2Popup(provider, `blc-oauth2-${this.uid}`, () =>
        call("POST", "/oauth2", { providerId: provider.id }),
      );
      this.say(`Sign in to ${provider.name} in the window that opened, and allow access there.`);
      const result = await oauth2Result(popup, serviceOrigin);
      return { message: oauth2Outcome(provider, result), credentialId: result.credentialId };
    },
  };

  /** One labelled input of an API-key form: secret fields masked; help text and link tied to it. */
  function fieldRow(uid, provider, field) {
    const id = `${uid}-field-${field.name}`;
    const input = h("input", {
      id,
      name: field.name,
      type: field.secret ? "password" : "text",
      autocomplete: "off",
      spellcheck: false,
      required: true,
      part: "input",
    });
    const row = h("div", { className: "field" }, h("label", { htmlFor: id }, field.label));
    let described = `${uid}-error`;
    if (field.helpText || field.helpUrl) {
      const help = h("span", { className: "help", id: `${id}-help` });
      if (field.helpText) help.append(field.helpText, " ");
      if (field.helpUrl)
        help.append(
          h(
            "a",
            { href: field.helpUrl, target: "_blank", rel: "noopener noreferrer" },
            `Where to find your ${field.label} at ${provider.name}`,
          ),
        );
      row.append(help);
      described = `${help.id} ${described}`;
    }
    input.setAttribute("aria-describedby", described);
    input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
    row.append(input);
    return { row, field, input };
  }

  /** The popup's `oauth2_result`, from the service's callback page in that window only; undefined when it closed without one. */

  // ---- <blc-connections link> ----

  class Connections extends ConnectElement {
    build() {
      const u = this.uid;
      this.heading = h("h3", { id: `${u}-heading`, tabIndex: -1 }, this.getAttribute("heading") || "Your connections");
      this.status = this.statusLine();
      this.list = h("ul", { part: "list" });
      this.empty = h("p", { hidden: true }, "No connections yet.");
      this.root.replaceChildren(
        ...[...this.root.children].filter((c) => c.localName === "style"),
        h("section", { "aria-labelledby": `${u}-heading` }, this.heading, this.status, this.list, this.empty),
      );
    }

    ready(view) {
      this.view = view;
      return this.refresh();
    }

    onChanged() {
      if (this.view) this.refresh();
    }

    /** Reads the connections again (the element does so itself after a connect or disconnect of its link). */
    async refresh() {
      if (!this.session || this.session.ended) return;
      try {
        const { connections } = await this.session.call("GET", "/connections");
        this.show(connections);
      } catch (error) {
        this.fail(error);
      }
    }

    show(connections) {
      this.empty.hidden = connections.length > 0;
      this.list.replaceChildren(
        ...connections.map((c) => {
          const details = [`Connected ${dateText(c.createdAt)}`, STATUS_TEXT[c.status] || c.status];
          if (c.lastVerifiedAt) details.push(`Last verified ${dateText(c.lastVerifiedAt)}`);
          if (c.suspect) details.push("The login may not have completed");
          const button = h(
            "button",
            {
              type: "button",
              className: "secondary",
              part: "button disconnect",
              "aria-label": `Disconnect ${c.providerName}, connected ${dateText(c.createdAt)}`,
              disabled: !!this.session.ended,
            },
            "Disconnect",
          );
          button.addEventListener("click", () => this.disconnect(c));
          return h(
            "li",
            { part: "item" },
            h("span", { className: "what" }, c.providerName, h("span", { className: "detail" }, details.join(" · "))),
            button,
          );
        }),
      );
    }

    async disconnect(connection) {
      for (const b of this.list.querySelectorAll("button")) b.disabled = true;
      try {
        const answer = await this.session.call("DELETE", `/connections/${encodeURIComponent(connection.id)}`);
        await this.refresh();
        this.say(...disconnected(connection.providerName, answer?.revocation));
        this.heading.focus();
        this.emit("disconnected", {
          credentialId: connection.id,
          providerId: connection.providerId,
          ...(answer?.revocation ? { revocation: answer.revocation } : {}),
        });
        this.session.changed();
      } catch (error) {
        this.fail(error, connection.providerId);
        if (!this.session.ended) for (const b of this.list.querySelectorAll("button")) b.disabled = false;
      }
    }
  }

  // ---- <blc-oauth-client-form link provider> ----

  class OAuthClientForm extends ConnectElement {
    build() {
      const u = this.uid;
      const field = (id, label, input, help) =>
        h("div", { className: "field" }, h("label", { htmlFor: id }, label), help, input);
      this.heading = h("h3", { id: `${u}-heading`, tabIndex: -1 }, "OAuth client");
      this.hint = h("p", { className: "help", id: `${u}-hint` });
      this.clientId = h("input", {
        id: `${u}-client-id`,
        name: "clientId",
        autocomplete: "off",
        spellcheck: false,
        required: true,
        part: "input",
      });
      this.secretHelp = h("span", { className: "help", id: `${u}-secret-help` });
      // Write-only: never filled from the service, emptied after every save.
      this.secret = h("input", {
        id: `${u}-secret`,
        name: "clientSecret",
        type: "password",
        autocomplete: "off",
        spellcheck: false,
        part: "input",
        "aria-describedby": `${u}-secret-help`,
      });
      this.removeSecret = h("input", { id: `${u}-remove-secret`, type: "checkbox" });
      this.removeRow = h(
        "div",
        { className: "check", hidden: true },
        this.removeSecret,
        h("label", { htmlFor: this.removeSecret.id }, "Remove the secret (a public client)"),
      );
      this.formError = h("p", { className: "error", role: "alert", hidden: true });
      this.saveButton = h("button", { type: "submit", disabled: true }, "Save");
      this.removeButton = h("button", { type: "button", className: "secondary", hidden: true }, "Remove this client");
      this.status = this.statusLine();
      this.form = h(
        "form",
        {
          className: "panel",
          part: "form",
          noValidate: true,
          "aria-labelledby": `${u}-heading`,
          "aria-describedby": this.hint.id,
        },
        this.heading,
        this.hint,
        field(this.clientId.id, "Client ID", this.clientId),
        field(this.secret.id, "Client secret", this.secret, this.secretHelp),
        this.removeRow,
        this.formError,
        h("p", { className: "actions" }, this.saveButton, this.removeButton),
        this.status,
      );
      for (const input of [this.clientId, this.secret, this.removeSecret]) input.disabled = true;
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.save();
      });
      this.removeSecret.addEventListener("change", () => {
        this.secret.disabled = this.removeSecret.checked;
        if (this.removeSecret.checked) this.secret.value = "";
      });
      this.removeButton.addEventListener("click", () => this.remove());
      this.root.replaceChildren(...[...this.root.children].filter((c) => c.localName === "style"), this.form);
    }

    get path() {
      return `/oauth2-clients/${encodeURIComponent(this.getAttribute("provider") || "")}`;
    }

    async ready(view) {
      this.view = view;
      const id = this.getAttribute("provider");
      this.provider = view.providers.find((p) => p.id === id && p.kind === "oauth2");
      if (!this.provider) {
        this.say(`This link does not offer the OAuth2 provider ${id || "(none named)"}.`, "error");
        return;
      }
      if (!view.manageOrgClients) {
        this.say("This link may not change your organisation's OAuth clients: ask an administrator.", "error");
        return;
      }
      const name = this.provider.name;
      this.heading.textContent = `${name} OAuth client`;
      this.hint.textContent = `Your organisation's own OAuth app at ${name}. Register ${this.session.serviceBase}/oauth2/callback as its redirect URI.`;
      try {
        this.show(await this.session.call("GET", this.path));
      } catch (error) {
        if (error instanceof ApiFailure && error.code === "oauth2_client_not_found") this.show(undefined);
        else return this.fail(error, id);
      }
      for (const input of [this.clientId, this.secret, this.removeSecret]) input.disabled = false;
      this.saveButton.disabled = false;
    }

    /** The client as the service shows it: its id, and only whether a secret is set. */
    show(client) {
      this.client = client;
      this.clientId.value = client?.clientId ?? "";
      this.secret.value = "";
      this.secret.disabled = false;
      this.removeSecret.checked = false;
      this.removeRow.hidden = !client?.hasClientSecret;
      this.removeButton.hidden = !client;
      this.secretHelp.textContent = client?.hasClientSecret
        ? "A secret is set. It is never shown: enter a new one to replace it, or leave this empty to keep it."
        : "No secret is set. Enter the one the provider gave you (leave it empty for a public client).";
    }

    async save() {
      const clientId = this.clientId.value.trim();
      this.formError.hidden = true;
      this.clientId.removeAttribute("aria-invalid");
      if (!clientId) {
        this.formError.textContent = "Enter the client ID.";
        this.formError.hidden = false;
        this.clientId.setAttribute("aria-invalid", "true");
        this.clientId.focus();
        return;
      }
      const secret = this.secret.value;
      const body = {
        clientId,
        ...(this.removeSecret.checked ? { clientSecret: null } : secret ? { clientSecret: secret } : {}),
      };
      this.saveButton.disabled = true;
      try {
        const saved = await this.session.call("PUT", this.path, body);
        this.show(saved);
        this.say(`Saved: the ${this.provider.name} client.`, "success");
        this.emit("saved", {
          providerId: this.provider.id,
          clientId: saved.clientId,
          hasClientSecret: saved.hasClientSecret,
        });
      } catch (error) {
        this.secret.value = "";
        if (error instanceof ApiFailure && !LINK_ENDED[error.code]) {
          this.formError.textContent = error.message;
          this.formError.hidden = false;
          this.say("");
        } else this.fail(error, this.provider.id);
      } finally {
        this.saveButton.disabled = !!this.session.ended;
      }
    }

    async remove() {
      this.removeButton.disabled = true;
      try {
        await this.session.call("DELETE", this.path);
        this.show(undefined);
        this.say(
          `Removed: the ${this.provider.name} client. Connections use the service's own client again.`,
          "success",
        );
        this.heading.focus();
        this.emit("removed", { providerId: this.provider.id });
      } catch (error) {
        this.fail(error, this.provider.id);
      } finally {
        this.removeButton.disabled = !!this.session.ended;
      }
    }
  }

  customElements.define("blc-connect-button", ConnectButton);
  customElements.define("blc-connections", Connections);
  customElements.define("blc-oauth-client-form", OAuthClientForm);
})();
