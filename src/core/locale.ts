/** Checks of what people's browsers report and sites are shown: a language tag and a time zone. */

/** A BCP 47 language tag as Intl writes it ("fr-FR" for "fr-fr"), or undefined. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** IANA zone names Chromium's time zone override takes (offsets such as "+01:00" are not among them). */
let zones: Set<string> | undefined;

/** An IANA time zone as Intl knows it ("Europe/Paris"), or undefined. */
export function canonicalTimeZone(zone: string): string | undefined {
  zones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);
  try {
    const resolved = new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
    return zones.has(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}
