/** The brand as customer email shows it: name, logo, colour, how to reach support, the postal footer. */

export interface Brand {
  name: string;
  /** https URL of the logo image; null shows the name instead. */
  logoUrl: string | null;
  /** #rrggbb, used for the header bar and buttons. */
  colour: string;
  supportEmail: string | null;
  supportPhone: string | null;
  /** The postal address printed in every footer (Indian e-commerce rules and most mail providers expect one). */
  postalAddress: string;
  /** The store's https URL, for "shop again" links; null leaves them out. */
  storeUrl: string | null;
}

const FALLBACK_COLOUR = "#1f6f4a";

/** Only #rrggbb reaches a style attribute: anything else could close the declaration. */
export function safeColour(c: string): string {
  return /^#[0-9a-fA-F]{6}$/.test(c) ? c : FALLBACK_COLOUR;
}

/** Only http(s) URLs become links or images (no javascript:, data: or relative URLs). */
export function safeUrl(u: string | null | undefined): string | null {
  if (!u) return null;
  try {
    const url = new URL(u);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}
