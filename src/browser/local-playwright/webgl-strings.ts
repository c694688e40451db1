import type { BrowserContext } from "patchright-core";

/**
 * WebGL vendor and renderer strings an operator chose (BROWSER_WEBGL_*, or a provider's), for sites
 * known to compare that string alone. Without a GPU the browser's own strings name SwiftShader, a
 * software renderer no person's browser uses. This replaces only what page scripts read through
 * getParameter(UNMASKED_VENDOR/RENDERER): a worker's OffscreenCanvas, the limits (8192 textures),
 * the extension list and the pixels stay SwiftShader's, and another realm can see the replaced
 * function. So it is detectable, and off unless asked for (docs/real-sites.md).
 */
export async function overrideWebGlStrings(
  context: BrowserContext,
  strings: { vendor: string; renderer: string },
): Promise<void> {
  await context.addInitScript(replaceWebGlStrings, strings);
}

/** Runs in each document before its own scripts. Self-contained: it is serialised into the page. */
function replaceWebGlStrings(strings: { vendor: string; renderer: string }): void {
  const UNMASKED_VENDOR_WEBGL = 0x9245;
  const UNMASKED_RENDERER_WEBGL = 0x9246;
  const nativeToString = Function.prototype.toString;
  // Replaced functions print as the ones they replace.
  const originals = new WeakMap<object, object>();
  for (const Context of [self.WebGLRenderingContext, self.WebGL2RenderingContext]) {
    if (!Context) continue;
    const prototype = Context.prototype;
    const getParameter = prototype.getParameter;
    // A method definition, like the native one: no .prototype, not a constructor, same name and length.
    const replacement = {
      getParameter(this: WebGLRenderingContext, name: number) {
        if (name === UNMASKED_VENDOR_WEBGL) return strings.vendor;
        if (name === UNMASKED_RENDERER_WEBGL) return strings.renderer;
        return getParameter.call(this, name);
      },
    }.getParameter;
    originals.set(replacement, getParameter);
    Object.defineProperty(prototype, "getParameter", {
      ...Object.getOwnPropertyDescriptor(prototype, "getParameter"),
      value: replacement,
    });
  }
  const printed = {
    toString(this: object) {
      return nativeToString.call(originals.get(this) ?? this);
    },
  }.toString;
  originals.set(printed, nativeToString);
  Object.defineProperty(Function.prototype, "toString", {
    ...Object.getOwnPropertyDescriptor(Function.prototype, "toString"),
    value: printed,
  });
}
