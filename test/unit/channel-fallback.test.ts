/** Channel fallback plans: WhatsApp → SMS (utility, configured) → email (where there is an address and an email version). */
import { describe, expect, it } from "vitest";
import { planFallback } from "../../src/decisions/channel-fallback";
import { parsePolicy, type Policy } from "../../src/decisions/policy";
import { buildSmsRequest, interpretMsg91 } from "../../src/connectors/sms";

const policy: Policy = (() => {
  const r = parsePolicy({ fallback: { sms: { out_for_delivery: { templateId: "t-ofd", dltTemplateId: "1707172345678901234", senderId: "VNSPTI" } } } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.policy;
})();
const wa = (template: string, bodyParams: string[], buttons: { type: "url" | "quick_reply"; param: string }[] = []) => ({ to: "+919812345678", template, language: "en", bodyParams, buttons });

describe("planFallback", () => {
  it("a utility message with SMS ids goes by SMS, its tracking link built from the AWB; Hindi values mark it unicode", () => {
    const plan = planFallback({ failed: { channel: "whatsapp", params: wa("out_for_delivery", ["आशा", "#1042"], [{ type: "url", param: "SR 1" }]) }, email: null, items: [] }, policy);
    expect(plan.spec).toEqual({
      kind: "sms.send",
      connector: "sms",
      params: { to: "+919812345678", template: "out_for_delivery", templateId: "t-ofd", dltTemplateId: "1707172345678901234", senderId: "VNSPTI", variables: { name: "आशा", order: "#1042", link: "https://shiprocket.co/tracking/SR%201" }, unicode: true },
    });
  });

  it("without SMS ids, an offer goes by email with its code; without an address, nothing, and it says why", () => {
    const plan = planFallback({ failed: { channel: "whatsapp", params: wa("winback", ["Asha", "COMEBACK10", "10%"]) }, email: "asha@example.in", items: [] }, policy);
    expect(plan.spec?.kind).toBe("email.send");
    expect(plan.spec?.kind === "email.send" && plan.spec.params.text).toContain("Your code: COMEBACK10");
    expect(planFallback({ failed: { channel: "whatsapp", params: wa("winback", ["Asha", "COMEBACK10", "10%"]) }, email: null, items: [] }, policy)).toEqual({
      spec: null,
      reason: "WhatsApp could not reach the customer; no email address for the customer",
    });
    expect(planFallback({ failed: { channel: "whatsapp", params: wa("cod_confirm", ["Asha", "#1042", "₹2,499"]) }, email: "asha@example.in", items: [] }, policy).reason).toBe(
      "WhatsApp could not reach the customer; cod_confirm has no email version",
    );
  });
});

describe("MSG91 flow API", () => {
  it("builds the documented request and reads success and error answers", () => {
    const req = buildSmsRequest(
      { kind: "sms.send", connector: "sms", params: { to: "+919812345678", template: "delay_alert", templateId: "t1", dltTemplateId: "1707172345678901234", senderId: "VNSPTI", variables: { name: "Asha" }, unicode: false } },
      { authKey: "k", baseUrl: "https://control.msg91.com/api/v5" },
    );
    expect(req).toEqual({
      method: "POST",
      url: "https://control.msg91.com/api/v5/flow/",
      headers: { authkey: "k", "content-type": "application/json", accept: "application/json" },
      body: { template_id: "t1", sender: "VNSPTI", short_url: "0", recipients: [{ mobiles: "919812345678", name: "Asha" }] },
    });
    expect(interpretMsg91(200, { message: "5762846b4f8d285d378b4567", type: "success" })).toMatchObject({ kind: "sent", externalId: "5762846b4f8d285d378b4567" });
    expect(interpretMsg91(200, { message: "flow id missing", type: "error" })).toMatchObject({ kind: "failed", reason: "MSG91: flow id missing" });
  });
});
