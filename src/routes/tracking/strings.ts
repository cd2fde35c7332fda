/** The tracking page's words in the languages the WhatsApp catalogue has (English, Hindi), and its dates in IST. */
import type { JourneyState } from "../../canonical/vocabulary";
import type { TemplateLanguage } from "../../canonical/whatsapp-templates";
import { IST_OFFSET_MS } from "../../lib/time";

export type PageLanguage = TemplateLanguage;

export interface PageStrings {
  htmlLang: string;
  title: string;
  order: (name: string) => string;
  states: Record<JourneyState, string>;
  timeline: string;
  courier: string;
  awb: string;
  expected: string;
  revised: string;
  deliveredOn: string;
  deliveringTo: string;
  lastUpdate: string;
  items: string;
  quantity: (n: number) => string;
  help: string;
  helpText: string;
  notShipped: string;
  upcoming: string;
  privateNote: string;
  switchTo: string;
  notFoundTitle: string;
  notFoundText: string;
  months: readonly string[];
}

export const STRINGS: Record<PageLanguage, PageStrings> = {
  en: {
    htmlLang: "en-IN",
    title: "Track your order",
    order: (name) => `Order ${name}`,
    states: {
      placed: "Order placed",
      cod_confirmation_pending: "Waiting for your confirmation",
      confirmed: "Order confirmed",
      fulfilled: "Packed",
      shipped: "Shipped",
      in_transit: "In transit",
      out_for_delivery: "Out for delivery",
      failed_attempt: "Delivery attempt failed",
      delivered: "Delivered",
      rto_initiated: "Returning to the seller",
      rto_delivered: "Returned to the seller",
      cancelled: "Cancelled",
      return_requested: "Return requested",
      returned: "Returned",
      refunded: "Refunded",
    },
    timeline: "Journey",
    courier: "Courier",
    awb: "AWB",
    expected: "Expected delivery",
    revised: "Revised delivery date",
    deliveredOn: "Delivered on",
    deliveringTo: "Delivering to",
    lastUpdate: "Last update",
    items: "Items",
    quantity: (n) => `× ${n}`,
    help: "Need help?",
    helpText: "Write or call us and mention your order number.",
    notShipped: "Not shipped yet",
    upcoming: "next",
    privateNote: "This page is for you: please do not share its link.",
    switchTo: "हिंदी में देखें",
    notFoundTitle: "Page not found",
    notFoundText: "This tracking link is not valid. Please use the link from your latest message, or contact the store.",
    months: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  },
  hi: {
    htmlLang: "hi-IN",
    title: "अपना ऑर्डर ट्रैक करें",
    order: (name) => `ऑर्डर ${name}`,
    states: {
      placed: "ऑर्डर दिया गया",
      cod_confirmation_pending: "आपकी पुष्टि का इंतज़ार",
      confirmed: "ऑर्डर कन्फ़र्म हुआ",
      fulfilled: "पैक हो गया",
      shipped: "भेज दिया गया",
      in_transit: "रास्ते में",
      out_for_delivery: "डिलीवरी के लिए निकला",
      failed_attempt: "डिलीवरी की कोशिश नाकाम रही",
      delivered: "डिलीवर हो गया",
      rto_initiated: "विक्रेता को वापस भेजा जा रहा है",
      rto_delivered: "विक्रेता को वापस मिल गया",
      cancelled: "रद्द",
      return_requested: "रिटर्न का अनुरोध",
      returned: "वापस आ गया",
      refunded: "रिफ़ंड हो गया",
    },
    timeline: "सफ़र",
    courier: "कूरियर",
    awb: "AWB",
    expected: "अनुमानित डिलीवरी",
    revised: "नई अनुमानित तारीख",
    deliveredOn: "डिलीवरी हुई",
    deliveringTo: "डिलीवरी का शहर",
    lastUpdate: "आख़िरी अपडेट",
    items: "सामान",
    quantity: (n) => `× ${n}`,
    help: "मदद चाहिए?",
    helpText: "हमें लिखें या फ़ोन करें और अपना ऑर्डर नंबर बताएँ।",
    notShipped: "अभी भेजा नहीं गया",
    upcoming: "आगे",
    privateNote: "यह पेज सिर्फ़ आपके लिए है: कृपया इसका लिंक किसी से साझा न करें।",
    switchTo: "View in English",
    notFoundTitle: "पेज नहीं मिला",
    notFoundText: "यह ट्रैकिंग लिंक सही नहीं है। कृपया अपने नए संदेश का लिंक इस्तेमाल करें, या स्टोर से संपर्क करें।",
    months: ["जन॰", "फ़र॰", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अग॰", "सित॰", "अक्टू॰", "नव॰", "दिस॰"],
  },
};

/** "1 Dec, 14:05 IST" (Hindi: "1 दिस॰, 14:05 IST"). */
export function istTime(ms: number, s: PageStrings): string {
  const d = new Date(ms + IST_OFFSET_MS);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  return `${d.getUTCDate()} ${s.months[d.getUTCMonth()]}, ${hh}:${mm} IST`;
}

/** "1 Dec" in IST. */
export function istDay(ms: number, s: PageStrings): string {
  const d = new Date(ms + IST_OFFSET_MS);
  return `${d.getUTCDate()} ${s.months[d.getUTCMonth()]}`;
}
