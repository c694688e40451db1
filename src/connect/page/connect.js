// The connect page: lists what the person may connect, connects one, lists and disconnects their
// connections. Plain script, no build step. Every request goes to /connect/<token>/…, authorised
// by the link's token (in this page's address) and by the cookie its first call (…/open) got: the
// link works in the browser that opened it first, and no other. No API key is ever here.
// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module: strict mode is not implied
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const token = location.pathname.split("/")[2] || "";
  const base = `/connect/${encodeURIComponent(token)}`;
  let busy = false;
  /** The link stopped working here (expired, revoked, another browser's): no button works any more. */
  let linkEnded = false;
  /** What the link offers, once opened: where to send the person when done (successUrl, errorUrl). */
  let link;

  // @include shared/connect-flow.js

  async function api(method, path, body) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
    if (response.status === 204) return undefined;
    const parsed = await response.json().catch(() => undefined);
    if (!response.ok) throw new ApiFailure(response.status, parsed);
    return parsed;
  }

  function say(text, kind) {
    const status = $("status");
    status.className = kind || "";
    status.textContent = text;
  }

  /** Sends the person to the app's address for this outcome, when the link has one; true if it did. */
  function handBack(url, status, providerId) {
    if (!url) return false;
    const target = new URL(url);
    target.searchParams.set("status", status);
    if (providerId) target.searchParams.set("providerId", providerId);
    location.assign(target.href);
    return true;
  }

  function fail(error, providerId) {
    if (error instanceof ApiFailure && LINK_ENDED[error.code]) {
      say(`${error.message}.`, "error");
      linkEnded = true;
      for (const button of document.querySelectorAll("button")) button.disabled = true;
      handBack(link?.errorUrl, LINK_ENDED[error.code], providerId);
      return;
    }
    say(
      error instanceof ApiFailure
        ? error.message
        : "The service could not be reached. Check your connection and try again.",
      "error",
    );
  }

  function setBusy(value) {
    busy = value;
    for (const button of document.querySelectorAll("#providers button, #connections button"))
      button.disabled = value || linkEnded;
  }

  function item(title, detail, button) {
    const li = document.createElement("li");
    const what = document.createElement("span");
    what.className = "what";
    what.textContent = title;
    if (detail) {
      const small = document.createElement("span");
      small.className = "detail";
      small.textContent = detail;
      what.append(small);
    }
    li.append(what, button);
    return li;
  }

  function button(text, label, onClick, className) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    if (className) b.className = className;
    b.disabled = busy || linkEnded;
    b.addEventListener("click", onClick);
    return b;
  }

  // ---- Connecting: one renderer per provider kind (the server's ConnectKind of the same name). ----

  /** What a renderer may do to the page. */
  const ui = {
    api,
    say,
    /** Shows a login page in place: framed when it is on this service's origin, else a link to open it. */
    showLoginPage(provider, url) {
      const section = $("login");
      const frame = $("live-view");
      const elsewhere = $("live-view-elsewhere");
      const first = section.hidden;
      $("login-heading").textContent = `Log in to ${provider.name}`;
      section.hidden = false;
      const sameOrigin = new URL(url, location.href).origin === location.origin;
      frame.hidden = !sameOrigin;
      elsewhere.hidden = sameOrigin;
      if (sameOrigin) {
        frame.title = `${provider.name} login page`;
        if (frame.getAttribute("src") !== url) frame.src = url;
      } else {
        elsewhere.querySelector("a").href = url;
      }
      // Once: later updates must not take focus from the login page the person is typing in.
      if (first) $("login-heading").focus();
    },
    hideLoginPage() {
      $("login").hidden = true;
      $("done").hidden = true;
      $("live-view").removeAttribute("src");
    },
  };

  const RENDERERS = {
    /** Browser login: a browser on the service shows the site's login page, the person logs in through the live view. */
    async browser_login(provider) {
      say(`Opening the ${provider.name} login page…`);
      // The login browser shows the site this person's language and time zone, as their own browser would.
      let session = await api("POST", "/browser-login", { providerId: provider.id, ...personsPlace() });
      const path = `/browser-login/${session.sessionId}`;
      const act = (action) => api("POST", `${path}/${action}`).catch(fail);
      $("cancel").onclick = () => act("cancel");
      $("done").onclick = () => act("done");
      try {
        for (;;) {
          if (session.liveViewUrl && !FINAL.includes(session.status)) ui.showLoginPage(provider, session.liveViewUrl);
          $("done").hidden = !session.awaitsDone;
          const step = loginStep(provider, session);
          if (step.connected) return step.connected;
          if (step.say) say(step.say);
          // A long poll: answers when the status changes, or after a few seconds with the same one.
          session = await api("GET", `${path}?changedFrom=${session.status}`);
        }
      } finally {
        ui.hideLoginPage();
      }
    },

    /** API key: a form of the provider's fields; a refused key is said under the form, which stays for another try. */
    api_key(provider) {
      const section = $("api-key");
      const form = $("api-key-form");
      const error = $("api-key-error");
      $("api-key-heading").textContent = `Enter your ${provider.name} key`;
      error.hidden = true;
      const inputs = provider.fields.map((field) => fieldRow(provider, field));
      $("api-key-fields").replaceChildren(...inputs.map((f) => f.row));
      section.hidden = false;
      $("api-key-heading").focus();
      say(`Enter your ${provider.name} details below.`);
      return new Promise((resolve, reject) => {
        const close = () => {
          form.onsubmit = null;
          $("api-key-cancel").onclick = null;
          $("api-key-fields").replaceChildren();
          section.hidden = true;
        };
        $("api-key-cancel").onclick = () => {
          close();
          reject(new NotConnected(`${provider.name} was not connected.`, "cancelled"));
        };
        form.onsubmit = async (event) => {
          event.preventDefault();
          const fields = Object.fromEntries(inputs.map(({ field, input }) => [field.name, input.value]));
          $("api-key-save").disabled = true;
          say(`Checking the key with ${provider.name}…`);
          try {
            await api("POST", "/api-key", { providerId: provider.id, fields });
            close();
            resolve(`Connected: ${provider.name}.`);
          } catch (failure) {
            if (!(failure instanceof ApiFailure) || LINK_ENDED[failure.code]) {
              close();
              reject(failure);
              return;
            }
            // Said where the person is typing (role="alert"), the fields marked, the first one focused for the next try.
            error.textContent = failure.message;
            error.hidden = false;
            say(""); // The alert under the form says it: once is enough for a screen reader.
            for (const { input } of inputs) input.setAttribute("aria-invalid", "true");
            inputs[0].input.focus();
          } finally {
            $("api-key-save").disabled = false;
          }
        };
      });
    },

    /** OAuth2: the provider's own pages in a popup; its callback page tells this page (same origin) how it ended. */
    async oauth2(provider) {
      const popup = await openOauth2Popup(provider, "connect-oauth2", () =>
        api("POST", "/oauth2", { providerId: provider.id }),
      );
      say(`Sign in to ${provider.name} in the window that opened, and allow access there.`);
      return oauth2Outcome(provider, await oauth2Result(popup, location.origin));
    },
  };

  /** One labelled input of an API-key form: secret fields masked; help text and link tied to it. */
  function fieldRow(provider, field) {
    const id = `field-${field.name}`;
    const row = document.createElement("div");
    row.className = "field";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = field.label;
    const input = document.createElement("input");
    Object.assign(input, {
      id,
      name: field.name,
      type: field.secret ? "password" : "text",
      autocomplete: "off",
      spellcheck: false,
      required: true,
    });
    input.setAttribute("aria-describedby", "api-key-error");
    row.append(label);
    if (field.helpText || field.helpUrl) {
      const help = document.createElement("span");
      help.className = "help";
      help.id = `${id}-help`;
      if (field.helpText) help.append(field.helpText, " ");
      if (field.helpUrl) {
        const a = document.createElement("a");
        Object.assign(a, {
          href: field.helpUrl,
          target: "_blank",
          rel: "noopener noreferrer",
          textContent: `Where to find your ${field.label} at ${provider.name}`,
        });
        help.append(a);
      }
      row.append(help);
      input.setAttribute("aria-describedby", `${help.id} api-key-error`);
    }
    input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
    row.append(input);
    return { row, field, input };
  }

  async function connect(provider) {
    const render = RENDERERS[provider.kind];
    if (!render || busy) return;
    setBusy(true);
    try {
      const done = await render(provider, ui);
      await showConnections();
      say(done, "success");
      if (handBack(link.successUrl, "connected", provider.id)) return;
      $("status").focus();
    } catch (error) {
      if (error instanceof ApiFailure || !(error instanceof Error)) fail(error, provider.id);
      else {
        say(error.message, "error");
        handBack(link.errorUrl, error instanceof NotConnected ? error.status : "failed", provider.id);
      }
    } finally {
      setBusy(false);
    }
  }

  async function disconnect(connection) {
    setBusy(true);
    try {
      const answer = await api("DELETE", `/connections/${encodeURIComponent(connection.id)}`);
      await showConnections();
      say(...disconnected(connection.providerName, answer?.revocation));
      $("connections-heading").focus();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  }

  function showProviders(providers) {
    const list = $("providers");
    list.replaceChildren(
      ...providers
        .filter((p) => RENDERERS[p.kind])
        .map((p) =>
          item(
            p.name,
            null,
            button("Connect", `Connect ${p.name}`, () => connect(p)),
          ),
        ),
    );
  }

  async function showConnections() {
    const { connections } = await api("GET", "/connections");
    $("no-connections").hidden = connections.length > 0;
    $("connections").replaceChildren(
      ...connections.map((c) => {
        const details = [`Connected ${dateText(c.createdAt)}`];
        details.push(STATUS_TEXT[c.status] || c.status);
        if (c.lastVerifiedAt) details.push(`Last verified ${dateText(c.lastVerifiedAt)}`);
        if (c.suspect) details.push("The login may not have completed");
        return item(
          c.providerName,
          details.join(" · "),
          button(
            "Disconnect",
            `Disconnect ${c.providerName}, connected ${dateText(c.createdAt)}`,
            () => disconnect(c),
            "secondary",
          ),
        );
      }),
    );
  }

  async function start() {
    $("status").tabIndex = -1;
    try {
      // The first call binds the link to this browser (or says it is another's); the app's check, when
      // the deployment asks for one, comes in this page's address. Once used it leaves the address bar.
      const check = new URLSearchParams(location.search).get("check");
      link = await api("POST", "/open", check ? { check } : {});
      if (check) history.replaceState(null, "", location.pathname);
      if (link.message) Object.assign($("message"), { textContent: link.message, hidden: false });
      if (link.returnUrl) {
        $("back").querySelector("a").href = link.returnUrl;
        $("back").hidden = false;
      }
      showProviders(link.providers);
      await showConnections();
    } catch (error) {
      fail(error);
    }
  }

  void start();
})();
