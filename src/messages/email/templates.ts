/**
 * Every customer email the system sends, as content: subject, greeting, paragraphs, the order's
 * items, one highlighted value, one button. layout.tsx turns the same content into HTML and plain
 * text, so the two never say different things.
 */
import { safeUrl, type Brand } from "./brand";

export const EMAIL_TEMPLATES = ["review_request", "care_tips", "cross_sell", "winback", "return_update", "delay_alert", "shipping_update"] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];

export function isEmailTemplate(name: string): name is EmailTemplate {
  return (EMAIL_TEMPLATES as readonly string[]).includes(name);
}

export interface EmailItem {
  title: string;
  quantity: number;
}

/** What the rules know about the message; each template reads the fields it needs. */
export interface EmailData {
  firstName: string;
  orderName: string | null;
  items: EmailItem[];
  /** review_request */
  reviewUrl?: string | null;
  /** winback */
  discountCode?: string;
  percentOff?: number;
  /** return_update */
  returnKind?: "return_requested" | "refunded";
  amount?: string;
  /** delay_alert */
  revisedEta?: string;
  creditLine?: string;
  trackingUrl?: string | null;
  /** shipping_update (also reads trackingUrl) */
  shippingStage?: "shipped" | "out_for_delivery";
  carrier?: string;
}

export interface EmailContent {
  subject: string;
  /** The line inbox lists show after the subject. */
  preheader: string;
  greeting: string;
  paragraphs: string[];
  items: EmailItem[];
  highlight: { label: string; value: string } | null;
  cta: { label: string; url: string } | null;
  /** Marketing mail says why it came and how to stop it. */
  marketing: boolean;
}

function firstItem(d: EmailData): string {
  return d.items[0]?.title ?? "your order";
}

function shopCta(brand: Brand, label: string): EmailContent["cta"] {
  const url = safeUrl(brand.storeUrl);
  return url ? { label, url } : null;
}

const order = (d: EmailData) => (d.orderName ? ` ${d.orderName}` : "");

export const TEMPLATES: Record<EmailTemplate, (d: EmailData, brand: Brand) => EmailContent> = {
  review_request: (d, brand) => {
    const url = safeUrl(d.reviewUrl) ?? safeUrl(brand.storeUrl);
    return {
      subject: `How is your ${firstItem(d)}?`,
      preheader: `A minute to tell us about order${order(d)}.`,
      greeting: `Hi ${d.firstName},`,
      paragraphs: [
        `Your order${order(d)} reached you a couple of days ago. We hope you are enjoying it.`,
        "Would you tell us how it is? A few words help other customers choose, and tell us what to make better.",
      ],
      items: d.items,
      highlight: null,
      cta: url ? { label: "Write a review", url } : null,
      marketing: false,
    };
  },
  care_tips: (d) => ({
    subject: `Getting the most from your order${order(d)}`,
    preheader: "A few tips for what you bought.",
    greeting: `Hi ${d.firstName},`,
    paragraphs: [
      "A few tips so what you bought lasts and works as it should:",
      "Keep it in a cool, dry place, out of direct sunlight, with the cap closed tightly.",
      "Trying something new on your skin or hair? Test a little on your inner arm first and wait a day.",
      "Natural products can settle or change colour a little over time; that is normal. Shake or stir before use.",
    ],
    items: d.items,
    highlight: null,
    cta: null,
    marketing: false,
  }),
  cross_sell: (d, brand) => ({
    subject: `Something to go with your ${firstItem(d)}`,
    preheader: "Picked for you from what you bought.",
    greeting: `Hi ${d.firstName},`,
    paragraphs: [`Customers who bought ${firstItem(d)} often pair it with something from the same range. Have a look when you have a moment.`],
    items: [],
    highlight: null,
    cta: shopCta(brand, "See the range"),
    marketing: true,
  }),
  winback: (d, brand) => ({
    subject: `${d.percentOff ?? 0}% off, just for you`,
    preheader: `Use code ${d.discountCode ?? ""} on your next order.`,
    greeting: `Hi ${d.firstName},`,
    paragraphs: [`It has been a while since your last order, so here is ${d.percentOff ?? 0}% off your next one. Enter the code at checkout.`],
    items: [],
    highlight: d.discountCode ? { label: "Your code", value: d.discountCode } : null,
    cta: shopCta(brand, "Shop now"),
    marketing: true,
  }),
  return_update: (d) =>
    d.returnKind === "refunded"
      ? {
          subject: `Your refund for order${order(d)} is on its way`,
          preheader: `${d.amount ?? "Your refund"} is being returned to you.`,
          greeting: `Hi ${d.firstName},`,
          paragraphs: [
            `We have refunded ${d.amount ?? "your payment"} for order${order(d)}.`,
            "Refunds to cards and UPI usually show within 5–7 working days, depending on your bank.",
          ],
          items: d.items,
          highlight: d.amount ? { label: "Refund", value: d.amount } : null,
          cta: null,
          marketing: false,
        }
      : {
          subject: `We have your return request for order${order(d)}`,
          preheader: "We will arrange the pickup and keep you posted.",
          greeting: `Hi ${d.firstName},`,
          paragraphs: [
            `We have received your return request for order${order(d)}.`,
            "Our courier partner will contact you to arrange the pickup. Once the parcel reaches us we refund you and let you know.",
          ],
          items: d.items,
          highlight: null,
          cta: null,
          marketing: false,
        },
  delay_alert: (d) => {
    const url = safeUrl(d.trackingUrl);
    return {
      subject: `Your order${order(d)} is running late`,
      preheader: d.revisedEta ? `New expected delivery: ${d.revisedEta}.` : "We are on it with the courier.",
      greeting: `Hi ${d.firstName},`,
      paragraphs: [
        `Your parcel for order${order(d)} is taking longer than it should. We are sorry for the wait.`,
        ...(d.creditLine ? [d.creditLine] : []),
      ],
      items: d.items,
      highlight: d.revisedEta ? { label: "New expected delivery", value: d.revisedEta } : null,
      cta: url ? { label: "Track your parcel", url } : null,
      marketing: false,
    };
  },
  // The email version of the shipped and out-for-delivery WhatsApp messages (channel fallback).
  shipping_update: (d) => {
    const url = safeUrl(d.trackingUrl);
    const today = d.shippingStage === "out_for_delivery";
    return {
      subject: today ? `Your order${order(d)} is out for delivery` : `Your order${order(d)} is on its way`,
      preheader: today ? "It should reach you today." : "Follow it on its way to you.",
      greeting: `Hi ${d.firstName},`,
      paragraphs: today
        ? [`Your order${order(d)} is out for delivery today. Please keep your phone handy for the courier.`]
        : [`Your order${order(d)} has shipped${d.carrier ? ` with ${d.carrier}` : ""}.`, "You can follow it all the way to your door."],
      items: d.items,
      highlight: null,
      cta: url ? { label: "Track your parcel", url } : null,
      marketing: false,
    };
  },
};
