import { z } from "zod";
import { canonicalLocale, canonicalTimeZone } from "../core/locale.ts";

const size = z.object({ width: z.number().int().min(1).max(10_000), height: z.number().int().min(1).max(10_000) });

/**
 * The device a site saw when the person logged in: what its scripts and request headers could read of
 * the browser. Kept with a browser-login credential (metadata, not a secret) so that checks, refreshes
 * and re-logins show the site the same device, and handed to the app so that its own browser can too.
 */
export const deviceSchema = z
  .object({
    userAgent: z.string().max(512).describe("navigator.userAgent and the User-Agent header"),
    platform: z.string().max(64).describe("navigator.platform"),
    locale: z.string().max(64).describe("navigator.language, Intl's locale and Accept-Language (BCP 47)"),
    timeZone: z.string().max(64).describe("Intl's time zone (IANA)"),
    viewport: size.describe("The page's size in CSS pixels (innerWidth, innerHeight)"),
    screen: size.describe("screen.width, screen.height"),
    devicePixelRatio: z.number().min(0.5).max(5),
    webgl: z
      .object({ vendor: z.string().max(256), renderer: z.string().max(256) })
      .optional()
      .describe("WebGL vendor and renderer strings chosen by the operator or provider (absent: the browser's own)"),
  })
  .meta({ id: "Device" });

export type Device = z.infer<typeof deviceSchema>;

/** What a caller may ask of a browser session's device; the rest is the browser's own or the operator's. */
export type DeviceRequest = Partial<Device>;

/** A locale in a request body: one BCP 47 tag (the caller canonicalises it with canonicalLocale). */
export const localeSchema = z
  .string()
  .max(35)
  .refine((tag) => canonicalLocale(tag) !== undefined, "a BCP 47 language tag, e.g. fr-FR");

/** A time zone in a request body: an IANA name (the caller canonicalises it with canonicalTimeZone). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine((zone) => canonicalTimeZone(zone) !== undefined, "an IANA time zone, e.g. Europe/Paris");
