/** The deterministic ticket classifier: English and Hinglish phrasings, precedence, near-misses, evidence. */
import { describe, expect, it } from "vitest";
import { classifyTicket, classifyTicketExplained } from "../../src/canonical/classify";
import type { TicketCategory } from "../../src/canonical/model";

const cases: [TicketCategory, string, string][] = [
  // [expected, subject, body]
  ["wismo", "Where is my order #1042?", "Ordered 5 days ago."],
  ["wismo", "order kab aayega", ""],
  ["wismo", "", "Bhai mera order kab tak milega? 4 din ho gaye"],
  ["wismo", "Not delivered yet", "It has been a week"],
  ["wismo", "", "Can you share the tracking link please"],
  ["wismo", "", "When will my parcel arrive?"],
  ["wismo", "", "I have not received my order yet"],
  ["wismo", "", "Order abhi tak nahi aaya"],
  ["wismo", "", "order delivered nahi hua abhi tak"],
  ["wismo", "Delayed shipment", ""],
  ["delivered_not_received", "", "Tracking shows delivered but I have not received the parcel"],
  ["delivered_not_received", "Marked as delivered", "I never got it, nobody came to my house"],
  ["delivered_not_received", "", "App mein delivered dikha raha hai lekin order mila nahi"],
  ["delivered_not_received", "", "status delivered hai par parcel nahi mila"],
  ["damaged", "Product arrived damaged", ""],
  ["damaged", "", "The bottle was leaking and the box is wet"],
  ["damaged", "", "Glass jar broken in transit"],
  ["damaged", "", "saman tuta hua aaya hai"],
  ["damaged", "", "You sent the wrong item"],
  ["return_refund", "Refund please", ""],
  ["return_refund", "", "I want to return this kurta, size too small"],
  ["return_refund", "", "Can I exchange for a bigger size?"],
  ["return_refund", "", "mujhe paise wapas chahiye"],
  ["address_change", "Change address", "Please change the delivery address to Flat 4B"],
  ["address_change", "", "Address galat hai, please update"],
  ["address_change", "", "I need to update my address before it ships"],
  ["cod", "", "Is cash on delivery available for pincode 560038?"],
  ["cod", "COD order", "Can I pay by UPI instead of COD?"],
  ["other", "Do you have this in blue?", "Looking for a gift"],
  ["other", "", "Thank you, loved the product!"],
];

describe("classifyTicket", () => {
  it.each(cases)("%s ← %j %j", (expected, subject, body) => {
    expect(classifyTicket(subject, body, [])).toBe(expected);
  });
});

describe("precedence", () => {
  it("puts delivered-not-received before WISMO even when tracking is mentioned", () => {
    const r = classifyTicketExplained("Where is my order?", "Tracking says delivered but I did not receive anything", []);
    expect(r.category).toBe("delivered_not_received");
    // WISMO also fired; it lost on precedence and the evidence says so.
    expect(r.evidence.map((e) => e.category)).toEqual(expect.arrayContaining(["delivered_not_received", "wismo"]));
    expect(r.evidence[0]).toEqual({ category: "delivered_not_received", phrase: "says delivered … did not receive", field: "body" });
  });

  it("joins a delivery claim in the subject with a denial in the body", () => {
    const r = classifyTicketExplained("Marked as delivered", "I never got it", []);
    expect(r.evidence[0]).toEqual({ category: "delivered_not_received", phrase: "marked as delivered … never got", field: "subject+body" });
  });

  it("puts damaged before return/refund, and return/refund before WISMO", () => {
    expect(classifyTicket("", "Item arrived broken, I want a refund", [])).toBe("damaged");
    expect(classifyTicket("Where is my refund?", "", [])).toBe("return_refund");
  });

  it("treats a COD mention as incidental when the customer asks where the order is", () => {
    expect(classifyTicket("", "My COD order has not arrived yet", [])).toBe("wismo");
  });

  it("puts address change before WISMO", () => {
    expect(classifyTicket("Order not shipped yet, change my address", "", [])).toBe("address_change");
  });
});

describe("near-misses", () => {
  it("does not read 'when will it be delivered' as delivered-not-received", () => {
    expect(classifyTicket("", "When will it be delivered? I have not received any update", [])).toBe("wismo");
  });

  it("does not read a delivered order with no complaint of non-receipt as DNR", () => {
    expect(classifyTicket("", "It was delivered yesterday, loved it", [])).toBe("other");
  });

  it("does not treat reassurance as damage", () => {
    expect(classifyTicket("", "Box arrived fine, nothing broken. Thanks!", [])).toBe("other");
    expect(classifyTicket("", "The seal was not damaged", [])).toBe("other");
  });

  it("does not treat 'return to origin' as a customer return", () => {
    expect(classifyTicket("", "Courier marked my parcel return to origin", [])).not.toBe("return_refund");
    expect(classifyTicket("", "it says RTO", [])).not.toBe("return_refund");
  });

  it("does not treat an email-address change as a delivery address change", () => {
    expect(classifyTicket("", "Please change my email address on the account", [])).toBe("other");
  });

  it("does not match 'cod' inside other words", () => {
    expect(classifyTicket("", "My coupon code did not apply", [])).toBe("other");
    expect(classifyTicket("", "Barcode on the box is torn off", [])).toBe("damaged");
  });

  it("does not match 'track' inside other words, nor 'late' inside chocolate", () => {
    expect(classifyTicket("", "Loved the soundtrack of your ad and the chocolate", [])).toBe("other");
  });
});

describe("tags", () => {
  it("reads helpdesk tags as words, with their evidence field", () => {
    const r = classifyTicketExplained("Hello", "Please help", ["where-is-my-order"]);
    expect(r).toEqual({ category: "wismo", evidence: [{ category: "wismo", phrase: "where is my order", field: "tags" }] });
  });

  it("still applies precedence across text and tags", () => {
    expect(classifyTicket("Refund", "", ["wismo"])).toBe("return_refund");
  });

  it("gives no evidence for other", () => {
    expect(classifyTicketExplained("Hi", "Do you ship to Dubai?", [])).toEqual({ category: "other", evidence: [] });
  });
});

describe("determinism", () => {
  it("returns the same answer for the same input, whatever the case and spacing", () => {
    const a = classifyTicketExplained("WHERE  IS MY ORDER", "", []);
    const b = classifyTicketExplained("where is my order", "", []);
    expect(a).toEqual(b);
  });
});
