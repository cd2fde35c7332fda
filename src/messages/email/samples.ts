/** Sample data for each email, for the dashboard previews and the snapshot tests. */
import type { Brand } from "./brand";
import type { EmailData, EmailTemplate } from "./templates";

export const SAMPLE_BRAND: Brand = {
  name: "Vanaspati Naturals",
  logoUrl: "https://cdn.shopify.com/s/files/1/vanaspati/logo.png",
  colour: "#2f6b3a",
  supportEmail: "care@vanaspati.in",
  supportPhone: "+91 80 4567 1234",
  postalAddress: "No. 14, 2nd Cross, Indiranagar, Bengaluru 560038, Karnataka, India",
  storeUrl: "https://vanaspati-naturals.myshopify.com",
};

const base: EmailData = {
  firstName: "Asha",
  orderName: "#1042",
  items: [
    { title: "Kumkumadi Face Oil 30 ml", quantity: 1 },
    { title: "Neem Tulsi Soap 100 g", quantity: 2 },
  ],
};

export const SAMPLE_DATA: Record<EmailTemplate, EmailData> = {
  review_request: { ...base, reviewUrl: "https://vanaspati-naturals.myshopify.com/pages/review?order=1042" },
  care_tips: base,
  cross_sell: base,
  winback: { ...base, orderName: null, items: [], discountCode: "COMEBACK10", percentOff: 10 },
  return_update: { ...base, returnKind: "refunded", amount: "₹1,299" },
  delay_alert: { ...base, revisedEta: "24 Nov", creditLine: "We've added ₹100 store credit to your account for the wait.", trackingUrl: "https://shiprocket.co/tracking/SR1042" },
  shipping_update: { ...base, shippingStage: "shipped", carrier: "Delhivery", trackingUrl: "https://switchyard.example/t/MTA0Mg.exampleTokenForReview0" },
};
