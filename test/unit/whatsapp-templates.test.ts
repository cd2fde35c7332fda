/**
 * The WhatsApp template catalogue against Meta's template-creation shape (POST /<WABA_ID>/message_templates,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/templates/components), and against
 * what the rules actually send: every template a rule names exists, with the parameters and buttons it passes.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { arjunInTransit } from "../helpers/rule-snapshots";
import { z } from "zod";
import type { ActionSpec } from "../../src/canonical/actions";
import { decideCodReminder, decidePayLinkMessage } from "../../src/decisions/rules/cod-shopify";
import {
  bodyParamCount, catalogueTemplate, placeholders, TEMPLATE_LANGUAGES, toMetaTemplate, WHATSAPP_TEMPLATES,
} from "../../src/canonical/whatsapp-templates";
import type { JourneySnapshot } from "../../src/decisions/context";
import { DEFAULT_POLICY } from "../../src/decisions/policy";
import {
  decideChurnIntervention, decideCodConfirmation, decideDelayAlert, decideNdrFollowup, decidePostDelivery, decideReorderPrompt,
  decideReturnProcessing, decideStatusNotification, decideSupportEscalation,
} from "../../src/decisions/rules";
import { decideInboundMessage } from "../../src/decisions/inbound-message";

/** Meta's documented limits: body ≤ 1024 characters, footer ≤ 60, button text ≤ 25, name lowercase with underscores ≤ 512. */
const ButtonUrl = z.strictObject({
  type: z.literal("URL"),
  text: z.string().min(1).max(25),
  url: z.string().regex(/^https:\/\/[^\s{}]+\{\{1\}\}$/, "one {{1}} at the end of an https URL"),
  example: z.array(z.string().regex(/^https:\/\/\S+$/)).length(1),
});
const ButtonQuickReply = z.strictObject({ type: z.literal("QUICK_REPLY"), text: z.string().min(1).max(25) });
const MetaTemplate = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/),
  language: z.enum(["en", "hi"]),
  category: z.enum(["UTILITY", "MARKETING"]),
  parameter_format: z.literal("POSITIONAL"),
  allow_category_change: z.boolean().optional(),
  components: z
    .array(
      z.discriminatedUnion("type", [
        z.strictObject({ type: z.literal("BODY"), text: z.string().min(1).max(1024), example: z.strictObject({ body_text: z.array(z.array(z.string().min(1))).length(1) }).optional() }),
        z.strictObject({ type: z.literal("FOOTER"), text: z.string().min(1).max(60) }),
        z.strictObject({ type: z.literal("BUTTONS"), buttons: z.array(z.union([ButtonUrl, ButtonQuickReply])).min(1).max(10) }),
      ]),
    )
    .min(1),
});
type MetaTemplate = z.infer<typeof MetaTemplate>;

/** Meta's review rules the schema cannot say: parameters numbered 1…n in order, an example for each, none at the very start or end, none adjacent. */
function reviewProblems(t: MetaTemplate): string[] {
  const problems: string[] = [];
  const body = t.components.find((c) => c.type === "BODY");
  if (!body || body.type !== "BODY") return ["no BODY"];
  const nums = placeholders(body.text);
  if (nums.join() !== nums.map((_, i) => i + 1).join()) problems.push(`parameters out of order: ${nums.join(",")}`);
  if (nums.length && body.example?.body_text[0]?.length !== nums.length) problems.push("examples do not match the parameters");
  if (/^\s*\{\{\d+\}\}/.test(body.text) || /\{\{\d+\}\}[\s.!?।]*$/.test(body.text)) problems.push("a parameter at the start or end");
  if (/\}\}\s*\{\{/.test(body.text)) problems.push("adjacent parameters");
  const buttons = t.components.find((c) => c.type === "BUTTONS");
  if (buttons?.type === "BUTTONS") {
    const kinds = new Set(buttons.buttons.map((b) => b.type));
    if (kinds.size > 1) problems.push("quick replies mixed with URL buttons");
    if (buttons.buttons.filter((b) => b.type === "URL").length > 2) problems.push("more than two URL buttons");
  }
  const footer = t.components.find((c) => c.type === "FOOTER");
  if (footer?.type === "FOOTER" && placeholders(footer.text).length) problems.push("a parameter in the footer");
  return problems;
}

const bases = { tracking: "https://shiprocket.co/tracking/", store: "https://vanaspati-naturals.myshopify.com" };

describe("the catalogue in Meta's template-creation shape", () => {
  for (const t of WHATSAPP_TEMPLATES) {
    it(`${t.name}: en and hi are valid creation requests with the same parameters`, () => {
      for (const language of TEMPLATE_LANGUAGES) {
        const req = MetaTemplate.parse(toMetaTemplate(t, language, bases));
        expect(reviewProblems(req)).toEqual([]);
      }
      expect(placeholders(t.body.hi).sort()).toEqual(placeholders(t.body.en).sort());
      expect(t.examples).toHaveLength(bodyParamCount(t));
    });
  }

  it("a URL button carries the tracking prefix and an example with the suffix", () => {
    const req = toMetaTemplate(catalogueTemplate("order_shipped")!, "en", bases);
    expect(req.components.at(-1)).toEqual({
      type: "BUTTONS",
      buttons: [{ type: "URL", text: "Track parcel", url: "https://shiprocket.co/tracking/{{1}}", example: ["https://shiprocket.co/tracking/SR1042556781"] }],
    });
    expect(req.components[0]).toEqual({
      type: "BODY",
      text: "Hi {{1}}, your order {{2}} is on its way with {{3}} (AWB {{4}}). Tap below to follow it.",
      example: { body_text: [["Asha", "#1042", "Delhivery", "SR1042556781"]] },
    });
  });

  it("npm run templates:export writes one valid file per template and language; it refuses unknown options", () => {
    const out = mkdtempSync(join(tmpdir(), "templates-"));
    try {
      const log = execFileSync("node", ["scripts/templates-export.mjs", "--out", out, "--store-url", "https://shop.example.in"], { encoding: "utf8" });
      expect(log).toContain(`wrote ${WHATSAPP_TEMPLATES.length * 2} templates`);
      const files = readdirSync(out).sort();
      expect(files).toEqual(WHATSAPP_TEMPLATES.flatMap((t) => [`${t.name}.en.json`, `${t.name}.hi.json`]).sort());
      for (const f of files) {
        const req = MetaTemplate.parse(JSON.parse(readFileSync(join(out, f), "utf8")));
        expect(reviewProblems(req)).toEqual([]);
      }
      const reorder = JSON.parse(readFileSync(join(out, "reorder_prompt.hi.json"), "utf8")) as MetaTemplate;
      expect(JSON.stringify(reorder)).toContain('"url":"https://shop.example.in/cart/{{1}}"');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    expect(() => execFileSync("node", ["scripts/templates-export.mjs", "--nope"], { stdio: "pipe" })).toThrow(/Unknown option '--nope'/);
    expect(execFileSync("node", ["scripts/templates-export.mjs", "--help"], { encoding: "utf8" })).toContain("Usage: npm run templates:export");
  });
});

describe("the rules send what the catalogue defines", () => {
  const H = 3_600_000;
  const NOW = Date.UTC(2026, 10, 20, 6, 0);
  const { order, customer, journey } = arjunInTransit(NOW, "cod");
  const delivered: JourneySnapshot = { ...journey, state: "delivered", deliveredAt: NOW - 50 * H };
  const ticket = { helpdesk: "gorgias" as const, ticketId: "t1", category: "delivered_not_received", status: "open", subject: "Not received", createdAt: NOW - 5 * H, firstResponseAt: null };

  const sent: ActionSpec[] = [
    ...(["confirmed", "shipped", "out_for_delivery", "delivered", "delayed"] as const).flatMap((status) => decideStatusNotification({ order, status, eventAt: NOW - 60_000, journey }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideDelayAlert({ order, journey, customer, route: null }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideNdrFollowup({ order, journey: { ...journey, state: "failed_attempt", failedAttempts: 1 }, reply: null }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideCodConfirmation({ order, state: "cod_confirmation_pending", destinationRtoRate: null, confirmationRequestedAt: null, reply: null }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideCodReminder({ ...order, paymentMethod: "cod" }, NOW - 25 * H, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decidePayLinkMessage({ ...order, paymentMethod: "cod" }, { id: "plink_ExjpAUN3gVHrPJ", shortUrl: "https://rzp.io/i/nxrHnLJ" }, 239_900, 10_000, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideSupportEscalation({ ticket, customer, order, journey, scans: [] }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(["return_requested", "refunded"] as const).flatMap((kind) => decideReturnProcessing({ order, customer, event: { kind, refundId: "r1", amount: 129_900, restock: false, lineItems: [], occurredAt: NOW } }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decidePostDelivery({ order, journey: delivered, customer, openTicket: false, openReturn: false, stepsDone: [] }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decidePostDelivery({ order, journey: { ...delivered, deliveredAt: NOW - 340 * H }, customer, openTicket: false, openReturn: false, stepsDone: ["review_request", "care_tips"] }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideChurnIntervention({ customer, openTicket: false }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideChurnIntervention({ customer: { ...customer, tier: "mid", ltv: 600_000 }, openTicket: false }, DEFAULT_POLICY, NOW)?.actions ?? []),
    ...(decideReorderPrompt(
      { customer, category: "Skincare", ordersInCategory: 3, intervalDays: 30, storeIntervalDays: null, lastOrderAt: NOW - 28 * 24 * H, lastOrderDelivered: true, items: [{ variantId: "45100000000", quantity: 1, title: "Kumkumadi Face Oil" }], shopDomain: "vanaspati-naturals.myshopify.com", openTicket: false, openReturn: false },
      DEFAULT_POLICY,
      NOW,
    )?.actions ?? []),
  ];
  // A WhatsApp question answered after the 24-hour window, and a ticket acknowledged after it.
  const late = { messageId: "wamid.1", phone: "+919900112233", text: "where is my order", at: NOW - 30 * H };
  const inbound = { category: "wismo", classifiedBy: "the keyword rules", customer: null, order, orderFoundBy: "latest_open" as const, journey: { ...journey, lastScanAt: NOW - 3 * H }, scans: [], revisedEta: null, trackingUrl: "https://sy.example/t/abc", conversation: null, helpdesk: "freshdesk" as const };
  sent.push(
    ...decideInboundMessage({ ...inbound, message: late }, DEFAULT_POLICY, NOW).drafts.flatMap((d) => d.actions),
    ...decideInboundMessage({ ...inbound, category: "damaged", message: late }, DEFAULT_POLICY, NOW).drafts.flatMap((d) => d.actions),
  );
  const templates = sent.filter((a): a is Extract<ActionSpec, { kind: "whatsapp.template" }> => a.kind === "whatsapp.template");

  it("covers every template the default policy names", () => {
    const named = new Set(templates.map((t) => t.params.template));
    expect([...named].sort()).toEqual(WHATSAPP_TEMPLATES.map((t) => t.name).sort());
  });

  for (const name of WHATSAPP_TEMPLATES.map((t) => t.name)) {
    it(`${name}: the rule passes one parameter per {{n}} and the template's buttons`, () => {
      const t = catalogueTemplate(name)!;
      const uses = templates.filter((a) => a.params.template === name);
      expect(uses.length).toBeGreaterThan(0);
      for (const a of uses) {
        expect(a.params.bodyParams).toHaveLength(bodyParamCount(t));
        expect(a.params.bodyParams.every((p) => p.trim().length > 0)).toBe(true);
        expect(a.params.buttons.map((b) => b.type)).toEqual(t.buttons.map((b) => b.type));
      }
    });
  }
});
