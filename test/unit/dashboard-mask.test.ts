import { describe, expect, it } from "vitest";
import { maskEmail, maskName, maskPhone } from "../../src/routes/dashboard/mask";
import { formatInr, formatRate, groupIndian } from "../../src/routes/dashboard/format";

describe("maskPhone", () => {
  it("keeps the Indian country code, two leading and three trailing digits", () => {
    expect(maskPhone("+919812345210")).toBe("+91 98•••••210");
  });
  it("accepts spaces and dashes in the stored number", () => {
    expect(maskPhone("+91 98123-45210")).toBe("+91 98•••••210");
  });
  it("masks a number without a country code the same way", () => {
    expect(maskPhone("9812345210")).toBe("98•••••210");
  });
  it("masks other countries without guessing their code", () => {
    expect(maskPhone("+447700900123")).toBe("+44•••••••123");
  });
  it("hides short numbers completely", () => {
    expect(maskPhone("12345")).toBe("•••••");
  });
  it("shows a dash for a missing number", () => {
    expect(maskPhone(null)).toBe("—");
    expect(maskPhone("")).toBe("—");
  });
});

describe("maskEmail", () => {
  it("keeps the first letter and the domain", () => {
    expect(maskEmail("rahul.k@gmail.com")).toBe("r•••@gmail.com");
  });
  it("never shows more than one letter of the local part", () => {
    expect(maskEmail("r@gmail.com")).toBe("r•••@gmail.com");
  });
  it("masks something that is not an email entirely", () => {
    expect(maskEmail("not-an-email")).toBe("•••");
    expect(maskEmail("@gmail.com")).toBe("•••");
  });
  it("shows a dash for a missing email", () => {
    expect(maskEmail(undefined)).toBe("—");
  });
});

describe("maskName", () => {
  it("reduces the surname to an initial", () => {
    expect(maskName("Rahul", "Kumar")).toBe("Rahul K.");
    expect(maskName("Rahul", null)).toBe("Rahul");
    expect(maskName(null, null)).toBe("—");
  });
});

describe("Indian number formatting", () => {
  it("groups lakhs and crores", () => {
    expect(groupIndian(999)).toBe("999");
    expect(groupIndian(1000)).toBe("1,000");
    expect(groupIndian(123456)).toBe("1,23,456");
    expect(groupIndian(1234567)).toBe("12,34,567");
    expect(groupIndian(123456789)).toBe("12,34,56,789");
    expect(groupIndian(-1234567)).toBe("-12,34,567");
  });
  it("formats paise as whole rupees", () => {
    expect(formatInr(123456789)).toBe("₹12,34,568");
    expect(formatInr(0)).toBe("₹0");
    expect(formatInr(null)).toBe("—");
  });
  it("formats rates as percentages", () => {
    expect(formatRate(0.0734)).toBe("7.3%");
    expect(formatRate(null)).toBe("—");
  });
});
