/** One customer's order, profile and parcel in transit, as the rules see them, for tests of what the rules send. */
import type { CustomerSnapshot, JourneySnapshot, OrderSummary } from "../../src/decisions/context";

const H = 3_600_000;

export function arjunInTransit(now: number, paymentMethod: "cod" | "prepaid"): { order: OrderSummary; customer: CustomerSnapshot; journey: JourneySnapshot } {
  return {
    order: {
      id: "6001", name: "#2001", totalPrice: 249_900, currency: "INR", paymentMethod, customerId: "8001", customerFirstName: "Arjun",
      phone: "+919900112233", email: "arjun@example.in",
      lineItems: [{ sku: "KUMKUMADI-30ML", title: "Kumkumadi Face Oil", quantity: 1, unitPrice: 129_900, variantId: "45100000000", productId: "2", category: "Skincare" }],
      shippingPincode: "560034", shippingCity: "Bengaluru", createdAt: now - 6 * 24 * H, cancelledAt: null,
    },
    customer: {
      id: "8001", firstName: "Arjun", phone: "+919900112233", email: "arjun@example.in", ltv: 2_000_000, tier: "high", ordersCount: 4, lastOrderAt: now - 65 * 24 * H,
      expectedIntervalDays: 30, acceptsMarketing: true, acceptsWhatsapp: true, pActive: null, expectedOrders90d: null, predictedClv: null,
    },
    journey: {
      state: "in_transit", stateAt: now - 50 * H, lastScanAt: now - 40 * H, lastScanLocation: "Nagpur_Hub", awb: "SR1", carrier: "delhivery", origin: "BLR", eta: now,
      failedAttempts: 0, trackingUrl: "https://shiprocket.co/tracking/SR1", deliveredAt: null,
    },
  };
}
