/** The typed NDR answer: a date (English, Hinglish, Hindi; IST; never past), an Indian mobile, an address line. */
import { describe, expect, it } from "vitest";
import { parseNdrAnswer } from "../../src/decisions/ndr-answer";

// Tuesday 1 Dec 2026, 22:30 IST (17:00 UTC): late in the evening, so "today" is still the 1st in India.
const NOW = Date.parse("2026-12-01T17:00:00Z");
const date = (text: string, now = NOW) => parseNdrAnswer(text, now).date;

describe("parseNdrAnswer: dates", () => {
  it.each([
    ["kal bhejo", "2026-12-02"],
    ["Kal subah bhej dena please", "2026-12-02"],
    ["tomorrow pls", "2026-12-02"],
    ["tmrw evening", "2026-12-02"],
    ["parso aana", "2026-12-03"],
    ["day after tomorrow", "2026-12-03"],
    ["narso", "2026-12-04"],
    ["aaj hi de do", "2026-12-01"],
    ["कल भेज दो", "2026-12-02"],
    ["परसों आना", "2026-12-03"],
    ["deliver on 5th", "2026-12-05"],
    ["5 tarikh ko bhejna", "2026-12-05"],
    ["on 28", "2026-12-28"],
    ["5 Dec", "2026-12-05"],
    ["5th of December please", "2026-12-05"],
    ["Dec 7", "2026-12-07"],
    ["2 jan", "2027-01-02"],
    ["deliver 10/12", "2026-12-10"],
    ["10-12-2026", "2026-12-10"],
    ["somvar ko bhejo", "2026-12-07"],
    ["next monday", "2026-12-07"],
    ["friday", "2026-12-04"],
    ["Tuesday", "2026-12-08"], // said on a Tuesday: next week's
    ["शनिवार को", "2026-12-05"],
    ["3 din baad", "2026-12-04"],
    ["do din me", "2026-12-03"],
    ["in 2 days", "2026-12-03"],
  ])("%s → %s", (text, expected) => {
    expect(date(text)).toBe(expected);
  });

  it("a day of the month already past is next month's; a date already past is next year's, or nothing when the year is given", () => {
    expect(date("deliver on 1st")).toBe("2026-12-01");
    expect(date("30th", Date.parse("2027-01-31T06:00:00Z"))).toBe("2027-03-30"); // no 30 February: the next 30th that exists
    expect(date("3 Nov")).toBe("2027-11-03");
    expect(date("3/11/2026")).toBeNull();
  });

  it("uses the local (IST) calendar day, not UTC's", () => {
    // 23:30 UTC on 1 Dec is 05:00 on 2 Dec in India: kal is the 3rd.
    expect(date("kal", Date.parse("2026-12-01T23:30:00Z"))).toBe("2026-12-03");
  });

  it("finds no date where there is none, and does not read one from a phone number, a time or a word that merely contains one", () => {
    expect(date("haan bhej do")).toBeNull();
    expect(date("call 9876543210")).toBeNull();
    expect(date("call me at 5 pm")).toBeNull();
    expect(date("Kalyan West, near station")).toBeNull();
    expect(date("31 Nov")).toBeNull();
  });
});

describe("parseNdrAnswer: phone", () => {
  it.each([
    ["call 9876543210", "+919876543210"],
    ["is number pe call karo 98765 43210", "+919876543210"],
    ["+91-98765-43210", "+919876543210"],
    ["919876543210", "+919876543210"],
    ["09876543210", "+919876543210"],
    ["alternate no ९८७६५४३२१० hai", "+919876543210"],
  ])("%s → %s", (text, expected) => {
    expect(parseNdrAnswer(text, NOW).phone).toBe(expected);
  });

  it("not a landline, a pincode, an order number or a number too long", () => {
    for (const text of ["pincode 400001", "order 1042", "022 2345 6789", "98765432101234", "5876543210"]) expect(parseNdrAnswer(text, NOW).phone, text).toBeNull();
  });
});

describe("parseNdrAnswer: address", () => {
  it("takes what follows an address cue", () => {
    expect(parseNdrAnswer("Naya address: 14, MG Road, Indiranagar, Bengaluru 560038", NOW).address).toBe("14, MG Road, Indiranagar, Bengaluru 560038");
    expect(parseNdrAnswer("pata hai B-12 Green Park", NOW).address).toBe("B-12 Green Park");
  });

  it("finds the clauses that read like an address among the rest of the message", () => {
    const a = parseNdrAnswer("kal bhejo, flat 302, Sai Residency, near Hanuman mandir, call 9876543210", NOW);
    expect(a).toEqual({ date: "2026-12-02", phone: "+919876543210", address: "flat 302, Sai Residency, near Hanuman mandir" });
  });

  it("no address in a plain answer, nor in 'same address'", () => {
    expect(parseNdrAnswer("haan kal bhej do", NOW).address).toBeNull();
    expect(parseNdrAnswer("same address pe bhejo", NOW).address).toBeNull();
    expect(parseNdrAnswer("main ghar pe nahi tha, parso aana", NOW).address).toBeNull();
    expect(parseNdrAnswer(null, NOW)).toEqual({ date: null, phone: null, address: null });
  });
});
