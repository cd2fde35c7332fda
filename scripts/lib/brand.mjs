/**
 * The demo brand, generated from a seed: catalog, geography, carriers and routes, customers and
 * their order histories. Pure (no I/O): the seed writes it to D1, the simulator reads the same
 * customers back from it, so both agree without asking the worker.
 */
import { createRng } from "./rng.mjs";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const BRAND_SEED = 7;
export const SHOP_DOMAIN = "vanaspati-naturals.myshopify.com";

/** Twelve products in four categories; a few carry two variants. Weights are relative popularity. */
export const CATALOG = [
  { id: 8100000001, title: "Kumkumadi Face Oil", type: "Skincare", variants: [["KUMKUMADI-30ML", "30 ml", 1299, 9], ["KUMKUMADI-60ML", "60 ml", 2199, 3]] },
  { id: 8100000002, title: "Vitamin C Glow Serum", type: "Skincare", variants: [["VITC-SERUM-30ML", "30 ml", 899, 6]] },
  { id: 8100000003, title: "Ubtan Face Wash", type: "Skincare", variants: [["UBTAN-FW-100ML", "100 ml", 399, 6]] },
  { id: 8100000004, title: "Bhringraj Hair Oil", type: "Haircare", variants: [["BHRINGRAJ-100ML", "100 ml", 349, 4], ["BHRINGRAJ-200ML", "200 ml", 549, 8]] },
  { id: 8100000005, title: "Red Onion Shampoo", type: "Haircare", variants: [["ONION-SHAMPOO-250ML", "250 ml", 449, 5]] },
  { id: 8100000006, title: "Hibiscus Hair Mask", type: "Haircare", variants: [["HIBISCUS-MASK-200G", "200 g", 699, 3]] },
  { id: 8100000007, title: "Ashwagandha Capsules", type: "Wellness", variants: [["ASHWA-60CAPS", "60 capsules", 699, 8], ["ASHWA-120CAPS", "120 capsules", 1199, 3]] },
  { id: 8100000008, title: "Triphala Tablets", type: "Wellness", variants: [["TRIPHALA-60TAB", "60 tablets", 349, 3]] },
  { id: 8100000009, title: "Chyawanprash", type: "Wellness", variants: [["CHYAWAN-500G", "500 g", 499, 3]] },
  { id: 8100000010, title: "Neem Tulsi Soap", type: "Bath", variants: [["NEEM-SOAP-100G", "100 g", 199, 5]] },
  { id: 8100000011, title: "Sandalwood Body Wash", type: "Bath", variants: [["SANDAL-BW-250ML", "250 ml", 449, 3]] },
  { id: 8100000012, title: "Rose Bath Salt", type: "Bath", variants: [["ROSE-SALT-400G", "400 g", 599, 2]] },
];

/** One row per SKU, with Shopify variant and inventory item ids derived from the product id. */
export const SKUS = CATALOG.flatMap((p, pi) =>
  p.variants.map(([sku, variantTitle, price, weight], vi) => ({
    sku,
    productId: p.id,
    variantId: 45100000000 + pi * 10 + vi,
    inventoryItemId: 47100000000 + pi * 10 + vi,
    zohoItemId: 982100000000000 + pi * 10 + vi,
    title: p.title,
    variantTitle,
    category: p.type,
    price,
    weight,
    // Supplier lead time (days) and ERP reorder level; the fast sellers have longer lead times.
    leadTimeDays: weight >= 8 ? 18 : 12,
    reorderLevel: weight >= 8 ? 60 : 25,
  })),
);

/** The three warehouses (Zoho Inventory warehouse ids) and the carrier hubs that pick up from them. */
export const WAREHOUSES = {
  BLR: { id: "982100000000391", name: "Bengaluru WH", hub: "BLR_Bommasandra_HB (Karnataka)", shopifyLocation: 61200000001 },
  DEL: { id: "982100000000392", name: "Gurugram WH", hub: "DEL_Bilaspur_HB (Haryana)", shopifyLocation: 61200000002 },
  MUM: { id: "982100000000393", name: "Bhiwandi WH", hub: "MUM_Bhiwandi_HB (Maharashtra)", shopifyLocation: 61200000003 },
};

/** Destinations: pincode prefix, sample pincodes, city, state, the warehouse that serves it, hours in transit, order share. */
export const DESTINATIONS = [
  { prefix: "560", pincodes: ["560038", "560034", "560102", "560076", "560066"], city: "Bengaluru", state: "Karnataka", code: "KA", origin: "BLR", hours: 30, share: 22 },
  { prefix: "110", pincodes: ["110017", "110024", "110092", "110075", "110085"], city: "New Delhi", state: "Delhi", code: "DL", origin: "DEL", hours: 30, share: 16 },
  { prefix: "400", pincodes: ["400050", "400076", "400053", "400101"], city: "Mumbai", state: "Maharashtra", code: "MH", origin: "MUM", hours: 30, share: 13 },
  { prefix: "411", pincodes: ["411001", "411038", "411057"], city: "Pune", state: "Maharashtra", code: "MH", origin: "MUM", hours: 44, share: 7 },
  { prefix: "500", pincodes: ["500032", "500081", "500034"], city: "Hyderabad", state: "Telangana", code: "TS", origin: "BLR", hours: 56, share: 8 },
  { prefix: "600", pincodes: ["600040", "600020", "600119"], city: "Chennai", state: "Tamil Nadu", code: "TN", origin: "BLR", hours: 52, share: 7 },
  { prefix: "700", pincodes: ["700019", "700091", "700064"], city: "Kolkata", state: "West Bengal", code: "WB", origin: "DEL", hours: 80, share: 6 },
  { prefix: "122", pincodes: ["122002", "122018"], city: "Gurugram", state: "Haryana", code: "HR", origin: "DEL", hours: 26, share: 6 },
  { prefix: "380", pincodes: ["380015", "380054"], city: "Ahmedabad", state: "Gujarat", code: "GJ", origin: "MUM", hours: 56, share: 4 },
  { prefix: "302", pincodes: ["302017", "302021"], city: "Jaipur", state: "Rajasthan", code: "RJ", origin: "DEL", hours: 50, share: 4 },
  { prefix: "226", pincodes: ["226010", "226016"], city: "Lucknow", state: "Uttar Pradesh", code: "UP", origin: "DEL", hours: 60, share: 3 },
  { prefix: "682", pincodes: ["682020", "682024"], city: "Kochi", state: "Kerala", code: "KL", origin: "BLR", hours: 60, share: 3 },
  { prefix: "781", pincodes: ["781006"], city: "Guwahati", state: "Assam", code: "AS", origin: "DEL", hours: 110, share: 2 },
];

/**
 * Carriers: Delhivery is integrated directly (scan push); Xpressbees and Blue Dart come through
 * Shiprocket (tracking webhook). `name` is how route stats spell them (Shiprocket's courier name reduced).
 */
export const CARRIERS = {
  delhivery: { name: "delhivery", via: "delhivery", shopifyCompany: "Delhivery", courier: "Delhivery Surface", awbPrefix: "1490" },
  xpressbees: { name: "xpressbees", via: "shiprocket", shopifyCompany: "Xpressbees", courier: "Xpressbees Surface", awbPrefix: "1410" },
  bluedart: { name: "blue dart", via: "shiprocket", shopifyCompany: "Blue Dart", courier: "Blue Dart Air", awbPrefix: "7730" },
};

/** Which carrier a warehouse books (BLR leans on Xpressbees, the others on Delhivery). */
export const CARRIER_MIX = {
  BLR: [["xpressbees", 50], ["delhivery", 32], ["bluedart", 18]],
  DEL: [["delhivery", 58], ["xpressbees", 24], ["bluedart", 18]],
  MUM: [["delhivery", 45], ["xpressbees", 30], ["bluedart", 25]],
};

const FIRST = ["Aarav", "Vivaan", "Aditya", "Ishaan", "Arjun", "Kabir", "Rohan", "Karan", "Rahul", "Vikram", "Ananya", "Diya", "Isha", "Kavya", "Meera", "Priya", "Riya", "Saanvi", "Sneha", "Pooja", "Neha", "Aditi", "Shreya", "Tanvi", "Nandini", "Lakshmi", "Divya", "Swati", "Anjali", "Farah", "Zoya", "Simran", "Harpreet", "Gurleen", "Deepa", "Revathi", "Keerthi", "Sanjana", "Aishwarya", "Bhavna"];
const LAST = ["Sharma", "Verma", "Iyer", "Reddy", "Nair", "Menon", "Patel", "Shah", "Gupta", "Agarwal", "Bose", "Chatterjee", "Das", "Singh", "Kaur", "Khan", "Mehta", "Joshi", "Kulkarni", "Deshpande", "Rao", "Pillai", "Mukherjee", "Banerjee", "Sinha", "Mishra", "Pandey", "Yadav", "Chopra", "Kapoor"];
const STREETS = ["2nd Cross, Indiranagar", "14th Main, HSR Layout", "Lajpat Nagar II", "Sector 45", "Linking Road, Bandra West", "Koregaon Park", "Jubilee Hills Road 36", "Anna Nagar West", "Salt Lake Sector V", "Vaishali Nagar", "Gomti Nagar", "Panampilly Nagar", "Zoo Road", "Powai, Hiranandani Gardens", "Vasant Kunj", "Satellite Road"];

/** A distinct, valid Indian mobile per index: 9 followed by a bijective scramble of the index. */
export function phoneFor(index) {
  return `+919${String((index * 104729 + 2718281) % 1_000_000_000).padStart(9, "0")}`;
}

export function customerIdFor(index) {
  return 7100000000 + index;
}

/** Builds a customer profile (no orders yet). */
export function makeCustomer(rng, index, segment) {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  const dest = rng.weighted(DESTINATIONS.map((d) => [d, d.share]));
  return {
    index,
    id: customerIdFor(index),
    firstName: first,
    lastName: last,
    email: `${first}.${last}${index}`.toLowerCase() + "@gmail.com",
    phone: phoneFor(index),
    dest,
    pincode: rng.pick(dest.pincodes),
    address1: `${rng.int(1, 220)}, ${rng.pick(STREETS)}`,
    segment,
    acceptsMarketing: segment === "rhythm" || segment === "lapsed" || rng.chance(0.7),
    acceptsWhatsapp: segment === "rhythm" || rng.chance(0.75),
    createdAt: 0,
    orders: [],
  };
}

export function skusIn(category) {
  return SKUS.filter((s) => s.category === category);
}

/** A basket: 1–3 lines by popularity, or a given first line (a category the customer repeats). */
export function makeBasket(rng, { category = null, big = false } = {}) {
  const lines = [];
  const add = (s, qty) => {
    const existing = lines.find((l) => l.sku === s.sku);
    if (existing) existing.quantity += qty;
    else lines.push({ ...s, quantity: qty });
  };
  if (category) add(rng.weighted(skusIn(category).map((s) => [s, s.weight])), 1);
  const extra = big ? rng.int(2, 4) : rng.weighted([[0, 50], [1, 35], [2, 15]]);
  for (let i = 0; i < extra || lines.length === 0; i++) add(rng.weighted(SKUS.map((s) => [s, s.weight])), big && rng.chance(0.4) ? 2 : 1);
  return lines;
}

export function basketTotal(lines) {
  return lines.reduce((sum, l) => sum + l.price * l.quantity, 0);
}

/** Shipping charged: free above ₹499. */
export function shippingFor(subtotal) {
  return subtotal >= 499 ? 0 : 79;
}

/**
 * Customers and their order histories, all strictly before `now - 7 days` (the simulated week is
 * the last seven days). Segments give the decision rules something real to find:
 *  - rhythm: 3 orders in one category 28 days apart, the last on day 25 (or a near miss on day 21)
 *  - high: LTV at or above ₹15,000
 *  - lapsed: used to order monthly, silent for three to five months
 *  - regular and one-time buyers make up the volume that route baselines need.
 */
export function buildBrand(now, seed = BRAND_SEED) {
  const rng = createRng(seed);
  const start = now - 7 * DAY;
  const customers = [];
  const plan = [
    ...Array(16).fill("rhythm"),
    ...Array(8).fill("rhythm_near"),
    ...Array(30).fill("high"),
    ...Array(40).fill("lapsed"),
    ...Array(306).fill("regular"),
    ...Array(1100).fill("once"),
  ];
  plan.forEach((segment, i) => customers.push(makeCustomer(rng, i + 1, segment)));

  const orders = [];
  const addOrder = (c, at, basket) => {
    const order = { customer: c, createdAt: Math.round(at), lines: basket };
    c.orders.push(order);
    orders.push(order);
  };
  // Growth: a one-time buyer's order is more likely recent (the brand is growing).
  const recentBiased = () => start - Math.pow(rng.next(), 1.8) * 250 * DAY;

  for (const c of customers) {
    if (c.segment === "rhythm" || c.segment === "rhythm_near") {
      const category = rng.pick(["Skincare", "Haircare", "Wellness"]);
      const day = c.segment === "rhythm" ? 25 : 21;
      const last = now - (day + 0.4) * DAY;
      // Two gaps around 28 days whose median is 28.0 exactly.
      const jitter = rng.between(0, 0.6) * DAY;
      for (const at of [last - 56 * DAY, last - 28 * DAY - jitter, last]) addOrder(c, at, makeBasket(rng, { category }));
      c.rhythmCategory = category;
      if (rng.chance(0.5)) addOrder(c, last - rng.int(90, 170) * DAY, makeBasket(rng));
    } else if (c.segment === "high") {
      const n = rng.int(9, 14);
      for (let k = 0; k < n; k++) addOrder(c, start - rng.between(3, 260) * DAY, makeBasket(rng, { big: true }));
    } else if (c.segment === "lapsed") {
      const last = now - rng.int(100, 150) * DAY;
      const n = rng.int(2, 4);
      for (let k = 0; k < n; k++) addOrder(c, last - k * rng.between(26, 34) * DAY, makeBasket(rng));
    } else if (c.segment === "regular") {
      const n = rng.int(2, 6);
      const first = start - rng.between(150, 270) * DAY;
      for (let k = 0; k < n; k++) addOrder(c, first + rng.next() * (start - first - DAY), makeBasket(rng));
    } else {
      addOrder(c, recentBiased(), makeBasket(rng));
    }
  }

  orders.sort((a, b) => a.createdAt - b.createdAt || a.customer.index - b.customer.index);
  orders.forEach((o, k) => {
    o.number = 1001 + k;
    o.id = 5100000000 + k + 1;
    o.name = `#${o.number}`;
  });
  for (const c of customers) {
    c.orders.sort((a, b) => a.createdAt - b.createdAt);
    c.createdAt = c.orders[0].createdAt - rng.int(0, 3) * HOUR;
  }
  return { customers, orders, rng };
}
