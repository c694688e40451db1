// What the connect page (page/connect.js) and the connect components (components/components.js) say
// and decide alike. Not served alone: the service puts this text inside each of those scripts where
// it reads `// @include shared/connect-flow.js` (connect-assets.ts), within their own function scope,
// so nothing here becomes a global of the page.

/** Thrown for a JSON error answer; `message` is the API's own sentence. */
class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.error?.message || `The service answered ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

/** Not connected, and why: `status` is what the app's errorUrl hears (cancelled or failed). */
class NotConnected extends Error {
  constructor(message, status = "failed") {
    super(message);
    this.status = status;
  }
}

/** Statuses after which a login session changes no more. */
const FINAL = ["completed", "failed", "expired", "cancelled"];

/** This browser's language and time zone, when it says (the service checks both). */
function personsPlace() {
  const place = {};
  if (navigator.language) place.locale = navigator.language;
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) place.timeZone = zone;
  } catch {}
  return place;
}

/**
 * What a browser login's session means to the person now: `{ say }` a sentence while it goes on,
 * `{ connected }` when it is done, and throws NotConnected when it ended otherwise.
 */
function loginStep(provider, session) {
  if (session.status === "awaiting_login") {
    return {
      say: session.lastLoginRejection
        ? `${provider.name} did not accept that login. Try again below.`
        : `Log in to ${provider.name} below.`,
    };
  }
  if (session.awaitsDone)
    return { say: `Logged in to ${provider.name}. Press "I'm done" when you have finished there.` };
  if (session.status === "authenticated" || session.status === "capturing") {
    return { say: `Logged in to ${provider.name}. Saving the connection…` };
  }
  if (session.status === "completed" || session.status === "kept_alive")
    return { connected: `Connected: ${provider.name}.` };
  if (FINAL.includes(session.status)) {
    throw new NotConnected(
      `${provider.name} was not connected: ${session.error ? session.error.message : session.status}.`,
      session.status === "cancelled" ? "cancelled" : "failed",
    );
  }
  return {};
}

/**
 * Opens the OAuth2 window (named `name`) and points it at the authorization URL `authorize()` gets
 * from the service. Call it in the click, before any await of the caller's: browsers block a popup
 * opened later (the window opens before this function's own first await). Throws NotConnected when
 * the browser blocked it; closes it again when no URL came.
 */
async function openOauth2Popup(provider, name, authorize) {
  const popup = window.open("", name, "popup,width=520,height=720");
  if (!popup)
    throw new NotConnected(
      `Your browser blocked the ${provider.name} window. Allow pop-ups for this page and press Connect again.`,
    );
  try {
    const { authorizationUrl } = await authorize();
    popup.location.href = authorizationUrl;
  } catch (error) {
    popup.close();
    throw error;
  }
  return popup;
}

/**
 * The OAuth2 window's answer: its `oauth2_result` message from `origin` (the service's), or
 * undefined once the window is closed without one.
 */
function oauth2Result(popup, origin) {
  return new Promise((resolve) => {
    let closedChecks = 0;
    const finish = (result) => {
      clearInterval(timer);
      removeEventListener("message", onMessage);
      resolve(result);
    };
    const onMessage = (event) => {
      if (event.origin !== origin || event.source !== popup || event.data?.type !== "oauth2_result") return;
      finish(event.data);
    };
    // A closed window is noticed by polling (there is no event for it); a message posted just before
    // closing gets a few more turns to arrive.
    const timer = setInterval(() => {
      if (popup.closed && ++closedChecks > 3) finish(undefined);
    }, 300);
    addEventListener("message", onMessage);
  });
}

/** What the OAuth2 window's answer means: the sentence when connected; throws NotConnected otherwise. */
function oauth2Outcome(provider, result) {
  if (!result)
    throw new NotConnected(`The ${provider.name} window was closed before the connection was made.`, "cancelled");
  if (result.error) throw new NotConnected(`${provider.name} was not connected: ${result.error.message}`);
  return `Connected: ${provider.name}.`;
}

/**
 * Errors that mean the link no longer works here (expired, revoked, another browser's or origin's):
 * nothing of it will. The errorUrl status for each.
 */
const LINK_ENDED = {
  connect_link_expired: "link_expired",
  connect_link_revoked: "link_revoked",
  connect_link_invalid: "link_refused",
  connect_link_opened_elsewhere: "link_refused",
  connect_link_not_opened: "link_refused",
  connect_check_failed: "link_refused",
  origin_not_allowed: "link_refused",
};

/** A connection's status as the person reads it. */
const STATUS_TEXT = {
  active: "Working",
  expired: "Logged out: connect again",
  needs_reauth: "Needs you to log in again",
  inconclusive: "Not sure: the last check could not tell",
};
const dateText = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** What to tell the person after a disconnect; for OAuth2, whether the provider revoked the app's access too. */
function disconnected(name, revocation) {
  if (!revocation || revocation.status === "revoked") {
    return [`Disconnected: ${name}.${revocation ? ` ${name} has revoked this app's access.` : ""}`, "success"];
  }
  const check = `To be sure the app has no access left, remove it in your ${name} account's settings.`;
  if (revocation.status === "not_supported")
    return [`Disconnected: ${name}. ${name} offers no way to revoke access from here. ${check}`, "success"];
  return [
    `Disconnected: ${name}, but ${name} did not confirm revoking the app's access (${revocation.error.message}). ${check}`,
    "error",
  ];
}
