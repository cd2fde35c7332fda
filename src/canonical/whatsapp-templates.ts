/**
 * Every WhatsApp template Switchyard sends, in one place: what Meta must approve before a brand
 * goes live. Names, categories, body text with numbered parameters (in the order the rules pass
 * them) and example values, and buttons: a URL button whose dynamic suffix is the tracking-page token
 * (or the AWB, where the brand runs no tracking page) or the cart path, quick replies whose payloads
 * (set per message) answer COD and NDR questions.
 *
 * Shape per Meta's template docs ("Template components",
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components, and
 * "Message templates", https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates):
 * POST /<WABA_ID>/message_templates with name, language, category and components BODY
 * (`example.body_text` = [[…one value per {{n}}…]]), FOOTER, BUTTONS (URL with one `{{1}}` at the
 * end of `url` and a full example URL; QUICK_REPLY with its text). Quick replies and URL buttons
 * are not mixed in one template (see the 360dialog / MyOperator notes on Meta's rules).
 * A URL button has one variable, appended at the end of its approved URL; the message fills it with
 * `{"type":"button","sub_type":"url","index":"0","parameters":[{"type":"text","text":<suffix>}]}`
 * (connectors/whatsapp.ts). With the tracking page on, the tracking button is approved as
 * `<PUBLIC_URL>/t/{{1}}` and the suffix is the order's signed token (routes/tracking/).
 */

export const TEMPLATE_LANGUAGES = ["en", "hi"] as const;
export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

export type TemplateCategory = "UTILITY" | "MARKETING";

/** Where a URL button's fixed part comes from (the brand's settings at export time). */
export type UrlBase = "tracking" | "store_cart";

export type CatalogueButton =
  | { type: "url"; text: Record<TemplateLanguage, string>; base: UrlBase; exampleSuffix: string }
  | { type: "quick_reply"; text: Record<TemplateLanguage, string> };

export interface CatalogueTemplate {
  name: string;
  category: TemplateCategory;
  /** What it is for, for the dashboard list. */
  purpose: string;
  /** One example per {{n}}, in order. */
  examples: string[];
  body: Record<TemplateLanguage, string>;
  footer?: Record<TemplateLanguage, string>;
  buttons: CatalogueButton[];
}

const trackButton: CatalogueButton = { type: "url", text: { en: "Track parcel", hi: "पार्सल ट्रैक करें" }, base: "tracking", exampleSuffix: "SR1042556781" };

export const WHATSAPP_TEMPLATES: readonly CatalogueTemplate[] = [
  {
    name: "order_confirmed",
    category: "UTILITY",
    purpose: "status notification: order confirmed",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, thank you for your order {{2}}. We are packing it now and will message you when it ships.",
      hi: "नमस्ते {{1}}, आपके ऑर्डर {{2}} के लिए धन्यवाद। हम इसे पैक कर रहे हैं और भेजते ही आपको संदेश देंगे।",
    },
    buttons: [],
  },
  {
    name: "order_shipped",
    category: "UTILITY",
    purpose: "status notification: shipped, with the courier and AWB",
    examples: ["Asha", "#1042", "Delhivery", "SR1042556781"],
    body: {
      en: "Hi {{1}}, your order {{2}} is on its way with {{3}} (AWB {{4}}). Tap below to follow it.",
      hi: "नमस्ते {{1}}, आपका ऑर्डर {{2}} कूरियर {{3}} के साथ रवाना हो गया है (AWB {{4}})। इसे ट्रैक करने के लिए नीचे टैप करें।",
    },
    buttons: [trackButton],
  },
  {
    name: "out_for_delivery",
    category: "UTILITY",
    purpose: "status notification: out for delivery",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, your order {{2}} is out for delivery today. Please keep your phone handy for the courier.",
      hi: "नमस्ते {{1}}, आपका ऑर्डर {{2}} आज डिलीवरी के लिए निकल चुका है। कृपया कूरियर के लिए अपना फ़ोन पास रखें।",
    },
    buttons: [trackButton],
  },
  {
    name: "order_delivered",
    category: "UTILITY",
    purpose: "status notification: delivered",
    examples: ["Asha", "#1042", "21 Nov, 14:05 IST"],
    body: {
      en: "Hi {{1}}, your order {{2}} was delivered on {{3}}. We hope you love it.",
      hi: "नमस्ते {{1}}, आपका ऑर्डर {{2}} ({{3}}) डिलीवर हो गया। हमें उम्मीद है कि यह आपको पसंद आएगा।",
    },
    buttons: [],
  },
  {
    name: "order_delayed",
    category: "UTILITY",
    purpose: "status notification: delayed (superseded by delay_alert when both apply)",
    examples: ["Asha", "#1042", "24 Nov"],
    body: {
      en: "Hi {{1}}, your order {{2}} is taking longer than expected. It should now reach you by {{3}}. Tap below to follow it.",
      hi: "नमस्ते {{1}}, आपके ऑर्डर {{2}} में अपेक्षा से अधिक समय लग रहा है। अब यह {{3}} तक आप तक पहुँच जाना चाहिए। ट्रैक करने के लिए नीचे टैप करें।",
    },
    buttons: [trackButton],
  },
  {
    name: "delay_alert",
    category: "UTILITY",
    purpose: "delay alert: revised ETA and, for high-LTV customers, store credit",
    examples: ["Asha", "#1042", "24 Nov", "We've added ₹100 store credit to your account for the wait."],
    body: {
      en: "Hi {{1}}, we are sorry: your order {{2}} is delayed with the courier. New expected delivery: {{3}}. {{4}} Thank you for your patience.",
      hi: "नमस्ते {{1}}, हमें खेद है: आपका ऑर्डर {{2}} कूरियर के पास अटका है। नई अनुमानित डिलीवरी: {{3}}। {{4}} धैर्य रखने के लिए धन्यवाद।",
    },
    footer: { en: "Reply here if you need help.", hi: "मदद चाहिए तो यहीं जवाब दें।" },
    buttons: [trackButton],
  },
  {
    name: "ndr_followup",
    category: "UTILITY",
    purpose: "failed delivery: re-attempt or return (payload ndr:<choice>:<order>)",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, the courier could not deliver your order {{2}}. Should they try again, or return it to us?",
      hi: "नमस्ते {{1}}, कूरियर आपका ऑर्डर {{2}} डिलीवर नहीं कर सका। क्या वे फिर से कोशिश करें, या इसे हमें वापस भेज दें?",
    },
    buttons: [
      { type: "quick_reply", text: { en: "Deliver again", hi: "फिर से डिलीवर करें" } },
      { type: "quick_reply", text: { en: "Return it", hi: "वापस भेजें" } },
    ],
  },
  {
    name: "cod_confirm",
    category: "UTILITY",
    purpose: "COD confirmation before fulfilment (payload cod:<confirm|cancel>:<order>)",
    examples: ["Asha", "#1042", "₹2,499"],
    body: {
      en: "Hi {{1}}, please confirm your cash-on-delivery order {{2}} for {{3}} so we can ship it.",
      hi: "नमस्ते {{1}}, कृपया अपने कैश-ऑन-डिलीवरी ऑर्डर {{2}} ({{3}}) की पुष्टि करें ताकि हम इसे भेज सकें।",
    },
    buttons: [
      { type: "quick_reply", text: { en: "Confirm order", hi: "ऑर्डर कन्फ़र्म करें" } },
      { type: "quick_reply", text: { en: "Cancel order", hi: "ऑर्डर रद्द करें" } },
    ],
  },
  {
    name: "cod_confirm_reminder",
    category: "UTILITY",
    purpose: "COD confirmation, second reminder at the timeout (payload cod:<confirm|cancel>:<order>)",
    examples: ["Asha", "#1042", "₹2,499"],
    body: {
      en: "Hi {{1}}, your cash-on-delivery order {{2}} for {{3}} is on hold until you confirm it. Tap below to confirm or cancel.",
      hi: "नमस्ते {{1}}, आपका कैश-ऑन-डिलीवरी ऑर्डर {{2}} ({{3}}) आपकी पुष्टि तक रुका हुआ है। पुष्टि या रद्द करने के लिए नीचे टैप करें।",
    },
    buttons: [
      { type: "quick_reply", text: { en: "Confirm order", hi: "ऑर्डर कन्फ़र्म करें" } },
      { type: "quick_reply", text: { en: "Cancel order", hi: "ऑर्डर रद्द करें" } },
    ],
  },
  {
    name: "cod_pay_now",
    category: "UTILITY",
    purpose: "COD order: pay now by Razorpay link instead of cash on delivery, with the prepaid discount",
    examples: ["Asha", "#1042", "₹2,399", "₹100", "https://rzp.io/i/nxrHnLJ"],
    body: {
      en: "Hi {{1}}, for order {{2}} you can pay {{3}} now instead of cash on delivery and save {{4}}. Pay securely here: {{5}} Thank you!",
      hi: "नमस्ते {{1}}, ऑर्डर {{2}} के लिए कैश-ऑन-डिलीवरी के बजाय अभी {{3}} का भुगतान करें और {{4}} बचाएँ। सुरक्षित भुगतान यहाँ करें: {{5}} धन्यवाद!",
    },
    buttons: [],
  },
  {
    name: "support_ack",
    category: "UTILITY",
    purpose: "support escalation: acknowledgement to the customer",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, we have your message about {{2}} and a senior member of our team is looking into it. We will get back to you shortly.",
      hi: "नमस्ते {{1}}, {{2}} के बारे में आपका संदेश हमें मिल गया है और हमारी टीम के एक वरिष्ठ सदस्य इसे देख रहे हैं। हम जल्द ही आपसे संपर्क करेंगे।",
    },
    buttons: [],
  },
  {
    name: "wismo_status",
    category: "UTILITY",
    purpose: "where-is-my-order answer on WhatsApp outside the 24-hour window: status, last scan, ETA, tracking page",
    examples: ["Asha", "#1042", "is on its way", "14 Mar, 18:05 IST, Bhiwandi Hub", "16 Mar", "https://track.vanaspati.in/t/NTEyMzQ1Njc4OQ.abc123"],
    body: {
      en: "Hi {{1}}, here is the latest on your order {{2}}: it {{3}}. Latest update: {{4}}. Expected delivery: {{5}}. Track it here: {{6}} and reply to this message if you need anything else.",
      hi: "नमस्ते {{1}}, आपके ऑर्डर {{2}} की ताज़ा जानकारी: यह {{3}}। आख़िरी अपडेट: {{4}}। अनुमानित डिलीवरी: {{5}}। यहाँ ट्रैक करें: {{6}} और कुछ और चाहिए तो इसी संदेश का जवाब दें।",
    },
    buttons: [],
  },
  {
    name: "return_received",
    category: "UTILITY",
    purpose: "return processing: request received",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, we have received your return request for order {{2}}. Our courier partner will contact you to arrange the pickup.",
      hi: "नमस्ते {{1}}, ऑर्डर {{2}} के लिए आपका रिटर्न अनुरोध हमें मिल गया है। पिकअप के लिए हमारा कूरियर पार्टनर आपसे संपर्क करेगा।",
    },
    buttons: [],
  },
  {
    name: "refund_processed",
    category: "UTILITY",
    purpose: "return processing: refund issued",
    examples: ["Asha", "#1042", "₹1,299"],
    body: {
      en: "Hi {{1}}, your refund for order {{2}} of {{3}} has been issued. It usually shows in your account within 5–7 working days.",
      hi: "नमस्ते {{1}}, ऑर्डर {{2}} का {{3}} का रिफ़ंड जारी कर दिया गया है। यह आमतौर पर 5–7 कार्य दिवसों में आपके खाते में दिखता है।",
    },
    buttons: [],
  },
  {
    name: "review_request",
    category: "UTILITY",
    purpose: "post-delivery: review request about the order (Meta may re-categorise; allow_category_change is set)",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, how is your order {{2}}? Reply with a few words or a star rating from 1 to 5; it helps us and other customers.",
      hi: "नमस्ते {{1}}, आपका ऑर्डर {{2}} कैसा लगा? कुछ शब्दों में या 1 से 5 स्टार में जवाब दें; इससे हमें और दूसरे ग्राहकों को मदद मिलती है।",
    },
    buttons: [],
  },
  {
    name: "cross_sell",
    category: "MARKETING",
    purpose: "post-delivery: cross-sell (marketing consent)",
    examples: ["Asha", "#1042"],
    body: {
      en: "Hi {{1}}, customers who loved their order like {{2}} also picked these from the same range. Reply STOP to opt out.",
      hi: "नमस्ते {{1}}, जिन ग्राहकों को {{2}} जैसा ऑर्डर पसंद आया, उन्होंने इसी रेंज से ये भी चुने। बंद करने के लिए STOP लिखें।",
    },
    buttons: [],
  },
  {
    name: "reorder_prompt",
    category: "MARKETING",
    purpose: "reorder prompt: one-tap cart link (URL suffix = cart path)",
    examples: ["Asha", "Skincare", "https://vanaspati-naturals.myshopify.com/cart/45100000000:1"],
    body: {
      en: "Hi {{1}}, running low on your {{2}}? Reorder in one tap: {{3}} (or use the button below).",
      hi: "नमस्ते {{1}}, क्या आपका {{2}} खत्म होने वाला है? एक टैप में फिर से ऑर्डर करें: {{3}} (या नीचे दिया बटन दबाएँ)।",
    },
    buttons: [{ type: "url", text: { en: "Reorder", hi: "फिर से ऑर्डर करें" }, base: "store_cart", exampleSuffix: "45100000000:1" }],
  },
  {
    name: "winback",
    category: "MARKETING",
    purpose: "churn intervention: offer (mid and low tier)",
    examples: ["Asha", "COMEBACK10", "10%"],
    body: {
      en: "Hi {{1}}, it has been a while! Here is code {{2}} for {{3}} off your next order. Reply STOP to opt out.",
      hi: "नमस्ते {{1}}, काफ़ी समय हो गया! कोड {{2}} से आपके अगले ऑर्डर पर {{3}} की छूट पाएँ। बंद करने के लिए STOP लिखें।",
    },
    buttons: [],
  },
  {
    name: "winback_high",
    category: "MARKETING",
    purpose: "churn intervention: offer (high tier)",
    examples: ["Asha", "COMEBACK20", "20%"],
    body: {
      en: "Hi {{1}}, we miss you! As one of our favourite customers, here is code {{2}} for {{3}} off your next order. Reply STOP to opt out.",
      hi: "नमस्ते {{1}}, हमें आपकी याद आती है! हमारे ख़ास ग्राहक होने के नाते, कोड {{2}} से अगले ऑर्डर पर {{3}} की छूट पाएँ। बंद करने के लिए STOP लिखें।",
    },
    buttons: [],
  },
];

const BY_NAME = new Map(WHATSAPP_TEMPLATES.map((t) => [t.name, t]));

export function catalogueTemplate(name: string): CatalogueTemplate | null {
  return BY_NAME.get(name) ?? null;
}

/** The {{n}} numbers a text uses, in order of appearance. */
export function placeholders(text: string): number[] {
  return [...text.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1]));
}

/** How many body parameters a template takes (the highest {{n}}). */
export function bodyParamCount(t: CatalogueTemplate): number {
  return Math.max(0, ...placeholders(t.body.en));
}

/** The fixed parts of URL buttons, from the brand's settings: `tracking` + token or AWB, `store` + /cart/ + path. */
export interface UrlBases {
  /** <PUBLIC_URL>/t/ (the tracking-page token is appended), or e.g. https://shiprocket.co/tracking/ (the AWB is). */
  tracking: string;
  /** The example suffix for `tracking` when it is the tracking page: a real order's token, so the reviewer's example opens a page. */
  trackingExample?: string;
  /** The store's https URL (e.g. https://vanaspati-naturals.myshopify.com); /cart/<path> is appended. */
  store: string;
}

/** One template in one language as the body of POST /<WABA_ID>/message_templates. */
export interface MetaTemplateRequest {
  name: string;
  language: TemplateLanguage;
  category: TemplateCategory;
  parameter_format: "POSITIONAL";
  allow_category_change?: boolean;
  components: (
    | { type: "BODY"; text: string; example?: { body_text: string[][] } }
    | { type: "FOOTER"; text: string }
    | { type: "BUTTONS"; buttons: ({ type: "URL"; text: string; url: string; example: string[] } | { type: "QUICK_REPLY"; text: string })[] }
  )[];
}

function urlPrefix(base: UrlBase, bases: UrlBases): string {
  return base === "tracking" ? bases.tracking : `${bases.store.replace(/\/+$/, "")}/cart/`;
}

function exampleSuffix(b: Extract<CatalogueButton, { type: "url" }>, bases: UrlBases): string {
  return b.base === "tracking" && bases.trackingExample ? bases.trackingExample : b.exampleSuffix;
}

export function toMetaTemplate(t: CatalogueTemplate, language: TemplateLanguage, bases: UrlBases): MetaTemplateRequest {
  const components: MetaTemplateRequest["components"] = [
    { type: "BODY", text: t.body[language], ...(t.examples.length ? { example: { body_text: [t.examples] } } : {}) },
  ];
  if (t.footer) components.push({ type: "FOOTER", text: t.footer[language] });
  if (t.buttons.length) {
    components.push({
      type: "BUTTONS",
      buttons: t.buttons.map((b) =>
        b.type === "url"
          ? { type: "URL", text: b.text[language], url: `${urlPrefix(b.base, bases)}{{1}}`, example: [`${urlPrefix(b.base, bases)}${exampleSuffix(b, bases)}`] }
          : { type: "QUICK_REPLY", text: b.text[language] },
      ),
    });
  }
  return {
    name: t.name,
    language,
    category: t.category,
    parameter_format: "POSITIONAL",
    // Utility templates Meta judges to be marketing are re-categorised instead of rejected.
    ...(t.category === "UTILITY" ? { allow_category_change: true } : {}),
    components,
  };
}
