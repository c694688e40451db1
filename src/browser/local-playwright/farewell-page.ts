/**
 * What a headed window shows once its session is over (the same words as the live view's page),
 * so that it does not vanish under the person mid-load. A data: URL: nothing is fetched, and the
 * navigation to it stops whatever the site was still loading.
 */
export function farewellPageUrl(message: string): string {
  const text = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${text}</title></head>
<body style="margin:0;height:100vh;display:flex;align-items:center;justify-content:center;background:#e9f7ee;color:#135c2e;font:20px system-ui,sans-serif;text-align:center;padding:24px;box-sizing:border-box">
<p id="farewell">${text}</p></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
