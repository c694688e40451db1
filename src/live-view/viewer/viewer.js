// The live-view page: draws the remote tab's frames and sends the person's input back.
// Plain script, no build step. Messages: see src/live-view/viewer-messages.ts.
// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module: strict mode is not implied
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const canvas = $("screen");
  const keys = $("keys");
  const status = $("status");
  // Opaque and desynchronized: a frame is drawn straight to the screen, not blended nor queued behind the page's own frames.
  const ctx = canvas.getContext("2d", { alpha: false, desynchronized: true });
  const token = location.pathname.split("/")[2] || "";
  const socketUrl = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/live/${encodeURIComponent(token)}/socket${location.search}`;
  let frameSize = { width: 0, height: 0 };
  let lastFrame = null;
  let ended = false;
  let drawing = false;

  function showStatus(text, kind) {
    status.textContent = text;
    status.className = kind || "";
    status.hidden = !text;
  }

  const ws = new WebSocket(socketUrl);
  ws.binaryType = "blob";
  const send = (message) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(message));
  // What the browser shows besides the page (dialogs, lists, pickers, sign-in, files): viewer-native.js.
  const native = window.LiveViewNative.create({
    stage: $("stage"),
    send,
    place: () => placement(),
    focusKeys: () => focusKeys(),
    // The token's mode letter: "v" is a view-only link (live-view-token.ts).
    watchOnly: /^ls_[a-f0-9]{32}\.v/.test(token),
  });

  ws.onopen = () => {
    showStatus("Connecting…");
    sendViewport();
  };
  ws.onclose = () => {
    if (!ended) showStatus("The connection to the login page was lost. Reload this page to try again.", "ended");
    ended = true;
  };
  ws.onmessage = (event) => {
    if (ended) return;
    if (typeof event.data !== "string") return void drawFrame(event.data);
    const message = JSON.parse(event.data);
    if (message.t === "status") onStatus(message);
    else if (message.t === "ended") {
      ended = true;
      lastFrame = null;
      showStatus(message.message, message.status === "completed" ? "success" : "ended");
    } else if (message.t === "tabs") {
      showTabs(message);
      native.setPage(message.current);
    } else if (native.handle(message)) return;
    else if (message.t === "frame-size") {
      frameSize = message;
      native.layout();
    } else if (message.t === "clipboard" && message.text && navigator.clipboard)
      navigator.clipboard.writeText(message.text).catch(() => {});
  };

  function onStatus(message) {
    if (message.status === "connecting") return showStatus("Connecting…");
    if (message.status === "queued" || message.status === "starting") return showStatus("Waiting for the page…");
    if (message.status === "awaiting_login" || message.status === "kept_alive")
      return lastFrame ? showStatus("") : showStatus("Waiting for the page…");
    if (message.message)
      showStatus(
        message.message,
        ["authenticated", "capturing", "completed"].includes(message.status) ? "success" : "ended",
      );
  }

  /** Where the frame sits on the canvas (CSS pixels), scaled down when the remote page is larger. */
  function placement() {
    const rect = canvas.getBoundingClientRect();
    const scale = frameSize.width ? Math.min(1, rect.width / frameSize.width, rect.height / frameSize.height) : 1;
    return { rect, scale };
  }

  async function drawFrame(blob) {
    if (drawing) return; // never happens: the worker waits for our ack
    drawing = true;
    try {
      const bitmap = await createImageBitmap(blob);
      if (ended) return bitmap.close();
      const { rect, scale } = placement();
      const dpr = window.devicePixelRatio || 1;
      const width = Math.round(rect.width * dpr);
      const height = Math.round(rect.height * dpr);
      if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
      const w = (frameSize.width || bitmap.width / dpr) * scale * dpr;
      const h = (frameSize.height || bitmap.height / dpr) * scale * dpr;
      // White only where the frame does not reach (a remote page smaller than the window, for a moment after a resize).
      ctx.fillStyle = "#fff";
      if (w < width) ctx.fillRect(w, 0, width - w, height);
      if (h < height) ctx.fillRect(0, h, Math.min(w, width), height - h);
      ctx.drawImage(bitmap, 0, 0, w, h);
      bitmap.close();
      if (!lastFrame) showStatus("");
      lastFrame = Date.now();
    } finally {
      drawing = false;
      send({ t: "ack" });
    }
  }

  function showTabs({ tabs, current }) {
    const nav = $("tabs");
    nav.replaceChildren();
    const shown = tabs.find((t) => t.pageId === current);
    $("title").textContent = shown ? shown.title : "";
    $("address").textContent = shown ? shown.url : "";
    document.title = shown?.title ? `${shown.title} — log in` : "Log in";
    if (tabs.length < 2) return;
    for (const tab of tabs) {
      const button = document.createElement("button");
      button.textContent = tab.title || tab.url;
      button.title = tab.url;
      button.dataset.pageId = tab.pageId;
      if (tab.pageId === current) button.className = "current";
      button.onclick = () => send({ t: "tab", pageId: tab.pageId });
      nav.append(button);
    }
  }

  let resizeTimer;
  function sendViewport() {
    const rect = canvas.getBoundingClientRect();
    send({
      t: "viewport",
      width: Math.round(rect.width),
      height: Math.round(rect.height),
      dpr: window.devicePixelRatio || 1,
    });
  }
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(sendViewport, 100);
    native.layout();
  });

  $("back").onclick = () => send({ t: "back" });
  $("reload").onclick = () => send({ t: "reload" });

  // The remote browser runs on Linux: a Mac user's ⌘ shortcuts (select all, copy, undo) are its Ctrl ones.
  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  const modifiers = (e) =>
    (e.altKey ? 1 : 0) | (e.ctrlKey || (mac && e.metaKey) ? 2 : 0) | (e.metaKey && !mac ? 4 : 0) | (e.shiftKey ? 8 : 0);
  const BUTTONS = ["left", "middle", "right"];

  function pointer(type, e, extra) {
    const { rect, scale } = placement();
    send({
      t: "mouse",
      type,
      x: (e.clientX - rect.left) / scale,
      y: (e.clientY - rect.top) / scale,
      modifiers: modifiers(e),
      buttons: e.buttons,
      ...extra,
    });
  }
  canvas.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    keys.focus({ preventScroll: true });
    pointer("mousePressed", e, {
      button: BUTTONS[e.button] || "left",
      clickCount: e.pointerType === "mouse" ? e.detail || 1 : 1,
    });
  });
  canvas.addEventListener("pointerup", (e) => {
    e.preventDefault();
    pointer("mouseReleased", e, {
      button: BUTTONS[e.button] || "left",
      clickCount: e.pointerType === "mouse" ? e.detail || 1 : 1,
    });
  });
  canvas.addEventListener("pointermove", (e) => pointer("mouseMoved", e, { button: "none" }));
  canvas.addEventListener(
    "wheel",
    (e) => {
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1;
      pointer("mouseWheel", e, { button: "none", deltaX: e.deltaX * unit, deltaY: e.deltaY * unit });
    },
    { passive: false },
  );
  canvas.addEventListener("contextmenu", (e) => e.preventDefault());

  // Keys go to a hidden text field, so that IME composition, phone keyboards and paste work too. It has
  // the keyboard from the start, as the remote page has its own focus (a login page's user field): keys
  // typed before any click reach it. Not on touch-only devices, where focusing would open the on-screen
  // keyboard unasked: there the first tap does. Framed in a page (the connect page, an app's), the view
  // does not take the focus from that page; it takes the keys once the person moves into it.
  const touchOnly = window.matchMedia?.("(hover: none) and (pointer: coarse)").matches;
  function focusKeys() {
    if (!touchOnly || document.activeElement === keys) keys.focus({ preventScroll: true });
  }
  if (window.top === window || document.hasFocus()) focusKeys();
  window.addEventListener("focus", () => {
    if (!native.owns(document.activeElement)) focusKeys();
  });
  // Keys aimed elsewhere on this page (the bar's buttons, the page body) are the remote page's too.
  const ownField = (target) =>
    target === keys ||
    native.owns(target) ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement;
  document.addEventListener(
    "keydown",
    (e) => {
      if (ownField(e.target)) return;
      // The bar's buttons keep the keys that work them (Tab to one, Enter or Space to press it).
      if (e.target instanceof HTMLButtonElement && ["Enter", " ", "Tab"].includes(e.key)) return;
      onKeyDown(e);
      focusKeys();
    },
    true,
  );
  document.addEventListener("keyup", (e) => !ownField(e.target) && onKeyUp(e), true);

  keys.addEventListener("keydown", onKeyDown);
  function onKeyDown(e) {
    if (e.isComposing || e.key === "Process" || e.key === "Unidentified") return;
    // A list on screen (a select's options) takes its own keys, as the browser's own list does.
    if (native.onKey(e)) return void e.preventDefault();
    const shortcut = e.ctrlKey || e.metaKey;
    // Paste comes from this machine's clipboard (the paste event below), not the remote one.
    if (shortcut && e.key.toLowerCase() === "v") return;
    e.preventDefault();
    // Copy and cut also bring the page's selection to this machine's clipboard (asked before a cut removes it).
    if (shortcut && !e.altKey && ["c", "x"].includes(e.key.toLowerCase())) send({ t: "copy" });
    const printable = e.key.length === 1 && !shortcut && !e.altKey;
    const text = printable ? e.key : e.key === "Enter" ? "\r" : undefined;
    send({
      t: "key",
      type: text ? "keyDown" : "rawKeyDown",
      key: e.key,
      code: e.code,
      keyCode: e.keyCode,
      text,
      modifiers: modifiers(e),
    });
  }
  keys.addEventListener("keyup", onKeyUp);
  function onKeyUp(e) {
    if (e.isComposing || e.key === "Process" || e.key === "Unidentified") return;
    if (native.onKey(e)) return;
    send({ t: "key", type: "keyUp", key: e.key, code: e.code, keyCode: e.keyCode, modifiers: modifiers(e) });
  }
  keys.addEventListener("paste", (e) => {
    e.preventDefault();
    const text = e.clipboardData?.getData("text/plain");
    if (text) send({ t: "text", text: text.slice(0, 10000) });
  });
  let composing = false;
  keys.addEventListener("compositionstart", () => (composing = true));
  keys.addEventListener("compositionupdate", (e) => send({ t: "compose", text: e.data || "" }));
  keys.addEventListener("compositionend", (e) => {
    composing = false;
    if (e.data) send({ t: "text", text: e.data });
    keys.value = "";
  });
  // Phone keyboards type without usable key events: whatever lands in the field is sent as text.
  keys.addEventListener("input", () => {
    if (composing || !keys.value) return;
    send({ t: "text", text: keys.value });
    keys.value = "";
  });
})();
