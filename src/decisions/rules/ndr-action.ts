/** The carrier's NDR action for one answer or default, on the platform that booked the parcel, with the details that platform takes. */
import type { ActionSpec } from "../../canonical/actions";
import type { CarrierPlatform } from "../context";
import type { NdrAnswerDetails } from "../ndr-answer";

export type NdrChoiceAction = "re-attempt" | "return";

/**
 * Both platforms take all three details on a re-attempt (Shiprocket: `deferred_date`, `phone`,
 * `address1/2`; Delhivery: DEFER_DLV and EDIT_DETAILS), none on a return.
 */
export function ndrCarrierAction(platform: CarrierPlatform, awb: string, action: NdrChoiceAction, details: Partial<NdrAnswerDetails>, comments: string): ActionSpec {
  const extra =
    action === "re-attempt"
      ? { ...(details.date ? { deferredDate: details.date } : {}), ...(details.phone ? { phone: details.phone } : {}), ...(details.address ? { address: details.address } : {}) }
      : {};
  if (platform === "delhivery") return { kind: "delhivery.ndr_action", connector: "delhivery", params: { awb, action, ...extra } };
  return { kind: "shiprocket.ndr_action", connector: "shiprocket", params: { awb, action, comments, ...extra } };
}

/** A typed date is passed only when it is after today and within the policy's window; otherwise why not. */
export function deferralWithin(date: string | null, today: string, maxDays: number): { date: string | null; note: string | null } {
  if (!date || date <= today) return { date: null, note: null };
  const days = Math.round((Date.parse(date) - Date.parse(today)) / 86_400_000);
  if (days > maxDays) return { date: null, note: `asked for ${date}, ${days} days away: more than the ${maxDays} days a delivery can be deferred, so a plain re-attempt` };
  return { date, note: null };
}

/** The last four digits only: reasons are shown on the dashboard. */
export function maskedPhone(phone: string): string {
  return `…${phone.slice(-4)}`;
}

/** The calendar day (YYYY-MM-DD) at `now` in the brand's time zone. */
export function localDay(now: number, utcOffsetMinutes: number): string {
  return new Date(now + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}
