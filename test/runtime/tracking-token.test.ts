import { describe, expect, it } from "vitest";
import { signTrackingToken, trackingUrl, verifyTrackingToken } from "../../src/lib/tracking-token";

const SECRET = "test-tracking-secret";

describe("tracking tokens", () => {
  it("round-trips the order id it was signed for", async () => {
    const token = await signTrackingToken(SECRET, "gid://shopify/Order/820982911946154508");
    expect(await verifyTrackingToken(SECRET, token)).toBe("gid://shopify/Order/820982911946154508");
  });

  it("refuses a token for another order, a changed tag, another secret and junk", async () => {
    const a = await signTrackingToken(SECRET, "1001");
    const b = await signTrackingToken(SECRET, "1002");
    const [idA] = a.split(".");
    const [, tagB] = b.split(".");
    expect(await verifyTrackingToken(SECRET, `${idA}.${tagB}`)).toBeNull();
    const last = a.at(-1) === "A" ? "B" : "A";
    expect(await verifyTrackingToken(SECRET, a.slice(0, -1) + last)).toBeNull();
    expect(await verifyTrackingToken("another-secret", a)).toBeNull();
    for (const junk of ["", ".", "abc", "abc.def.ghi", "%%%.abc", `${idA}.`]) expect(await verifyTrackingToken(SECRET, junk)).toBeNull();
  });

  it("builds the page address only when the public URL is set", () => {
    expect(trackingUrl("https://ops.example.in/", "x.y")).toBe("https://ops.example.in/t/x.y");
    expect(trackingUrl("", "x.y")).toBeNull();
  });
});
