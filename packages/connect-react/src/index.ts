import { type CSSProperties, createElement, type ReactElement, useEffect, useRef } from "react";

/**
 * React components over the connect components' custom elements (the service's
 * /connect-assets/components.js): each renders its element with the props as attributes and turns
 * the element's events into callbacks. The elements do the work; nothing here talks to the service.
 */

/** `connected` on a Connect button: a connection was made. */
export interface ConnectedDetail {
  providerId: string;
  providerName: string;
  kind: "browser_login" | "oauth2" | "api_key";
  credentialId?: string;
}

/**
 * `error` on any element: connecting did not work out (`cancelled`, `failed`) or the link stopped
 * working (`link_expired`, `link_revoked`, `link_refused`). The same statuses as the link's errorUrl.
 */
export interface ConnectErrorDetail {
  providerId?: string;
  status: "cancelled" | "failed" | "link_expired" | "link_revoked" | "link_refused";
  code?: string;
  message: string;
}

/** `disconnected` on the connections list. */
export interface DisconnectedDetail {
  credentialId: string;
  providerId: string;
  /** OAuth2: whether the provider revoked the app's access too. */
  revocation?: { status: "revoked" | "not_supported" | "failed"; error?: { code: string; message: string } };
}

/** `saved` on the OAuth-client form: the client as stored (never its secret). */
export interface ClientSavedDetail {
  providerId: string;
  clientId: string;
  hasClientSecret: boolean;
}

/**
 * A handler gets the event's detail and the event: call `event.preventDefault()` to stay on the page
 * instead of following the link's successUrl (on `connected`) or errorUrl (on `error`).
 */
export type Handler<D> = (detail: D, event: CustomEvent<D>) => void;

interface Common {
  /** The component link the app's backend minted for this page view (POST /connect/links with componentOrigin). */
  link: string;
  /** The app's connect check for the link, when the service asks for one (CONNECT_VERIFIER_KEY). */
  check?: string;
  className?: string;
  style?: CSSProperties;
  onError?: Handler<ConnectErrorDetail>;
}

export interface ConnectButtonProps extends Common {
  /** The provider id to connect. */
  provider: string;
  /** The button's text (default "Connect <provider name>"). */
  label?: string;
  onConnected?: Handler<ConnectedDetail>;
}

export interface ConnectionsProps extends Common {
  /** The list's heading (default "Your connections"). */
  heading?: string;
  onDisconnected?: Handler<DisconnectedDetail>;
}

export interface OAuthClientFormProps extends Common {
  /** The OAuth2 provider whose organisation client the form sets. */
  provider: string;
  onSaved?: Handler<ClientSavedDetail>;
  onRemoved?: Handler<{ providerId: string }>;
}

/** Listens to the element's events for as long as it is mounted; the latest handlers are called. */
function useElementEvents(handlers: Record<string, Handler<never> | undefined>) {
  const ref = useRef<HTMLElement>(null);
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const listeners = Object.keys(latest.current).map((name) => {
      const listener = (event: Event) => {
        // Only the element's own events: not the same names bubbling up from anything inside it.
        if (event.target !== element) return;
        const custom = event as CustomEvent<never>;
        latest.current[name]?.(custom.detail, custom);
      };
      element.addEventListener(name, listener);
      return () => element.removeEventListener(name, listener);
    });
    return () => {
      for (const remove of listeners) remove();
    };
  }, []);
  return ref;
}

/** The element's attributes: the props given, none left empty (an absent attribute is the element's default). */
function attributes(props: Record<string, string | undefined>) {
  return Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined && value !== ""));
}

/** A Connect button for one provider: an OAuth2 popup, the live view for a browser login, or an API-key form. */
export function ConnectButton({
  link,
  check,
  provider,
  label,
  className,
  style,
  onConnected,
  onError,
}: ConnectButtonProps): ReactElement {
  const ref = useElementEvents({ connected: onConnected, error: onError });
  return createElement("blc-connect-button", {
    ref,
    className,
    style,
    ...attributes({ link, check, provider, label }),
  });
}

/** The person's connections with their status, each with a Disconnect button. */
export function Connections({
  link,
  check,
  heading,
  className,
  style,
  onDisconnected,
  onError,
}: ConnectionsProps): ReactElement {
  const ref = useElementEvents({ disconnected: onDisconnected, error: onError });
  return createElement("blc-connections", { ref, className, style, ...attributes({ link, check, heading }) });
}

/** The organisation's own OAuth client for a provider (links minted with manageOrgClients); the secret is write-only. */
export function OAuthClientForm({
  link,
  check,
  provider,
  className,
  style,
  onSaved,
  onRemoved,
  onError,
}: OAuthClientFormProps): ReactElement {
  const ref = useElementEvents({ saved: onSaved, removed: onRemoved, error: onError });
  return createElement("blc-oauth-client-form", { ref, className, style, ...attributes({ link, check, provider }) });
}

const loading = new Map<string, Promise<void>>();

/**
 * Adds the service's script to the page once (`<script src="<serviceUrl>/connect-assets/components.js">`)
 * and resolves when the elements are defined. Apps that put the script tag in their HTML need not call it.
 * A page's CSP must allow the service in script-src, connect-src and frame-src.
 */
export function loadConnectComponents(serviceUrl: string): Promise<void> {
  if (typeof window === "undefined") return Promise.resolve();
  const src = `${serviceUrl.replace(/\/+$/, "")}/connect-assets/components.js`;
  let loaded = loading.get(src);
  if (!loaded) {
    loaded = new Promise<void>((resolve, reject) => {
      if (customElements.get("blc-connect-button")) return resolve();
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onerror = () => {
        loading.delete(src);
        reject(new Error(`Could not load ${src}`));
      };
      document.head.append(script);
      customElements.whenDefined("blc-connect-button").then(() => resolve());
    });
    loading.set(src, loaded);
  }
  return loaded;
}
