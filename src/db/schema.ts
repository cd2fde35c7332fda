/** D1 schema (drizzle). Times are epoch ms; money is paise; every canonical row names its source. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Every accepted webhook, exactly as received: the system's own source of truth. */
export const rawEvents = sqliteTable(
  "raw_events",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    deliveryId: text("delivery_id").notNull(),
    topic: text("topic").notNull(),
    receivedAt: integer("received_at").notNull(),
    triggeredAt: integer("triggered_at"),
    body: text("body").notNull(),
    /** received → queued → processed | dead */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    processedAt: integer("processed_at"),
  },
  (t) => [
    uniqueIndex("raw_events_source_delivery").on(t.source, t.deliveryId),
    index("raw_events_status").on(t.status, t.receivedAt),
    index("raw_events_source_received").on(t.source, t.receivedAt),
  ],
);

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    rawEventId: text("raw_event_id"),
    source: text("source").notNull(),
    topic: text("topic"),
    reason: text("reason").notNull(),
    body: text("body"),
    receivedAt: integer("received_at").notNull(),
    replayedAt: integer("replayed_at"),
  },
  (t) => [index("dead_letters_received").on(t.receivedAt), uniqueIndex("dead_letters_raw").on(t.rawEventId)],
);

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    number: integer("number"),
    customerId: text("customer_id"),
    email: text("email"),
    phone: text("phone"),
    currency: text("currency").notNull(),
    totalPrice: integer("total_price").notNull(),
    subtotalPrice: integer("subtotal_price").notNull(),
    paymentMethod: text("payment_method").notNull(),
    financialStatus: text("financial_status"),
    fulfillmentStatus: text("fulfillment_status"),
    cancelledAt: integer("cancelled_at"),
    shippingPincode: text("shipping_pincode"),
    shippingCity: text("shipping_city"),
    shippingState: text("shipping_state"),
    /** Shopify customer_locale (which template language the customer gets). */
    customerLocale: text("customer_locale"),
    lineItems: text("line_items").notNull(),
    tags: text("tags").notNull(),
    note: text("note"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
  },
  (t) => [
    index("orders_name").on(t.name),
    index("orders_customer").on(t.customerId, t.createdAt),
    index("orders_email").on(t.email),
    index("orders_phone").on(t.phone),
    index("orders_created").on(t.createdAt),
  ],
);

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    email: text("email"),
    phone: text("phone"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    ordersCount: integer("orders_count"),
    totalSpent: integer("total_spent"),
    acceptsMarketing: integer("accepts_marketing", { mode: "boolean" }).notNull().default(false),
    acceptsWhatsapp: integer("accepts_whatsapp", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at"),
    updatedAt: integer("updated_at").notNull(),
    redactedAt: integer("redacted_at"),
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
  },
  (t) => [index("customers_email").on(t.email), index("customers_phone").on(t.phone)],
);

export const products = sqliteTable(
  "products",
  {
    sku: text("sku").primaryKey(),
    title: text("title").notNull(),
    category: text("category"),
    productId: text("product_id"),
    variantId: text("variant_id"),
    inventoryItemId: text("inventory_item_id"),
    price: integer("price"),
    updatedAt: integer("updated_at").notNull(),
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
  },
  (t) => [index("products_inventory_item").on(t.inventoryItemId), index("products_variant").on(t.variantId)],
);

/** Per-SKU supply settings set by ops (`PUT /api/skus/:sku/settings`); the ERP's values win when present. */
export const skuSettings = sqliteTable("sku_settings", {
  sku: text("sku").primaryKey(),
  leadTimeDays: integer("lead_time_days"),
  reorderPoint: integer("reorder_point"),
  safetyStock: integer("safety_stock"),
  packSize: integer("pack_size"),
  updatedAt: integer("updated_at").notNull(),
});

export const inventoryRecords = sqliteTable(
  "inventory_records",
  {
    source: text("source").notNull(),
    /** SKU when known; Shopify levels start as `item:<inventory item id>` until resolved. */
    sku: text("sku").notNull(),
    inventoryItemId: text("inventory_item_id"),
    locationId: text("location_id").notNull(),
    available: integer("available").notNull(),
    onHand: integer("on_hand"),
    committed: integer("committed"),
    incoming: integer("incoming"),
    reorderPoint: integer("reorder_point"),
    leadTimeDays: integer("lead_time_days"),
    updatedAt: integer("updated_at").notNull(),
    sourceId: text("source_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.sku, t.locationId] }),
    index("inventory_item").on(t.inventoryItemId),
    // The SKU page lists every source and location of one SKU.
    index("inventory_records_sku").on(t.sku),
  ],
);

export const purchaseOrders = sqliteTable("purchase_orders", {
  poNumber: text("po_number").primaryKey(),
  status: text("status").notNull(),
  expectedAt: integer("expected_at"),
  lines: text("lines").notNull(),
  updatedAt: integer("updated_at").notNull(),
  source: text("source").notNull(),
  sourceId: text("source_id").notNull(),
});

export const shipmentEvents = sqliteTable(
  "shipment_events",
  {
    /** carrier:awb:status:occurredAt — the same scan delivered twice is one row. */
    id: text("id").primaryKey(),
    orderId: text("order_id"),
    orderRef: text("order_ref"),
    carrier: text("carrier").notNull(),
    awb: text("awb").notNull(),
    status: text("status").notNull(),
    rawStatus: text("raw_status").notNull(),
    location: text("location"),
    pincode: text("pincode"),
    eta: integer("eta"),
    isReturn: integer("is_return", { mode: "boolean" }).notNull().default(false),
    occurredAt: integer("occurred_at").notNull(),
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [
    index("shipment_events_awb").on(t.awb, t.occurredAt),
    index("shipment_events_order").on(t.orderId, t.occurredAt),
    // Covers the 7-day NDR/RTO rates on the dashboard: a range read of one week, never the whole history.
    index("shipment_events_recent").on(t.occurredAt, t.carrier, t.status, t.awb, t.isReturn),
  ],
);

/** Identity links: any key a system uses for an order (AWB, channel order id, name) → Shopify order id. */
export const orderLinks = sqliteTable(
  "order_links",
  {
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    orderId: text("order_id").notNull(),
    carrier: text("carrier"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] }), index("order_links_order").on(t.orderId)],
);

export const tickets = sqliteTable(
  "tickets",
  {
    id: text("id").primaryKey(),
    helpdesk: text("helpdesk").notNull(),
    ticketId: text("ticket_id").notNull(),
    customerId: text("customer_id"),
    orderId: text("order_id"),
    orderRef: text("order_ref"),
    email: text("email"),
    phone: text("phone"),
    channel: text("channel"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    category: text("category").notNull(),
    status: text("status").notNull(),
    priority: text("priority"),
    assignee: text("assignee"),
    tags: text("tags").notNull(),
    createdAt: integer("created_at").notNull(),
    firstResponseAt: integer("first_response_at"),
    updatedAt: integer("updated_at").notNull(),
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
  },
  (t) => [
    index("tickets_order").on(t.orderId),
    index("tickets_customer").on(t.customerId),
    index("tickets_email").on(t.email),
    index("tickets_status").on(t.status, t.createdAt),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    channel: text("channel").notNull(),
    direction: text("direction").notNull(),
    phone: text("phone"),
    customerId: text("customer_id"),
    orderId: text("order_id"),
    kind: text("kind").notNull(),
    text: text("text"),
    payload: text("payload"),
    status: text("status").notNull(),
    error: text("error"),
    occurredAt: integer("occurred_at").notNull(),
    source: text("source").notNull(),
    sourceId: text("source_id").notNull(),
  },
  (t) => [index("messages_phone").on(t.phone, t.occurredAt), index("messages_order").on(t.orderId, t.occurredAt)],
);

export const orderReturns = sqliteTable(
  "order_returns",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    kind: text("kind").notNull(),
    refundId: text("refund_id"),
    amount: integer("amount").notNull(),
    restock: integer("restock", { mode: "boolean" }).notNull(),
    lineItems: text("line_items").notNull(),
    occurredAt: integer("occurred_at").notNull(),
    source: text("source").notNull(),
  },
  (t) => [index("order_returns_order").on(t.orderId)],
);

/** Read model of each OrderJourney, written by the object, read by lists and the dashboard. */
export const journeys = sqliteTable(
  "journeys",
  {
    orderId: text("order_id").primaryKey(),
    state: text("state").notNull(),
    stateAt: integer("state_at").notNull(),
    lastScanAt: integer("last_scan_at"),
    lastScanLocation: text("last_scan_location"),
    awb: text("awb"),
    carrier: text("carrier"),
    eta: integer("eta"),
    stalled: integer("stalled", { mode: "boolean" }).notNull().default(false),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    codPending: integer("cod_pending", { mode: "boolean" }).notNull().default(false),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("journeys_state").on(t.state, t.updatedAt),
    index("journeys_stalled").on(t.stalled),
    // Orders at risk on the dashboard: only the flagged few of many thousands, newest first.
    index("journeys_at_risk").on(t.updatedAt).where(sql`stalled = 1 OR failed_attempts > 0 OR cod_pending = 1`),
  ],
);

/** Read model of each SkuStock object. */
export const skuStock = sqliteTable("sku_stock", {
  sku: text("sku").primaryKey(),
  available: integer("available").notNull(),
  committed: integer("committed").notNull(),
  incoming: integer("incoming").notNull(),
  byLocation: text("by_location").notNull(),
  safetyFloor: integer("safety_floor").notNull(),
  dailyDemand: integer("daily_demand_milli"),
  daysOfCover: integer("days_of_cover_milli"),
  projectedStockoutAt: integer("projected_stockout_at"),
  lastSyncedAt: integer("last_synced_at"),
  drift: integer("drift").notNull().default(0),
  updatedAt: integer("updated_at").notNull(),
});

export const policies = sqliteTable("policies", {
  version: integer("version").primaryKey(),
  body: text("body").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const decisions = sqliteTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    reasons: text("reasons").notNull(),
    inputs: text("inputs").notNull(),
    actions: text("actions").notNull(),
    policyVersion: integer("policy_version").notNull(),
    mode: text("mode").notNull(),
    createdAt: integer("created_at").notNull(),
    /** What the contact policy kept from the customer, each with its reason (JSON array). */
    suppressed: text("suppressed").notNull().default("[]"),
    /** null (nothing to review) | waiting | approved | dismissed: decisions in approve mode wait for a person. */
    reviewStatus: text("review_status"),
    /** A snoozed decision leaves the "needs you" queue until this time (epoch ms). */
    reviewUntil: integer("review_until"),
  },
  (t) => [
    uniqueIndex("decisions_dedupe").on(t.dedupeKey),
    index("decisions_review").on(t.reviewStatus, t.createdAt),
    index("decisions_subject").on(t.subjectType, t.subjectId),
    index("decisions_type_created").on(t.type, t.createdAt),
    index("decisions_created").on(t.createdAt),
    // "Was this ticket auto-answered?" is asked per WISMO ticket by the KPIs: (type, subject) finds it at once.
    index("decisions_type_subject").on(t.type, t.subjectId),
  ],
);

/** Every approval, dismissal and snooze of a decision, with who and why. */
export const decisionReviews = sqliteTable(
  "decision_reviews",
  {
    id: text("id").primaryKey(),
    decisionId: text("decision_id").notNull(),
    /** approved | dismissed | snoozed */
    verdict: text("verdict").notNull(),
    by: text("by").notNull(),
    note: text("note"),
    until: integer("until"),
    at: integer("at").notNull(),
  },
  (t) => [index("decision_reviews_decision").on(t.decisionId, t.at)],
);

export const actions = sqliteTable(
  "actions",
  {
    id: text("id").primaryKey(),
    decisionId: text("decision_id"),
    connector: text("connector").notNull(),
    kind: text("kind").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    /** pending | sending | blocked (its connector's credential is refused) | sent | dry_run | failed | dead | delivered | read */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    lastError: text("last_error"),
    params: text("params").notNull(),
    request: text("request"),
    response: text("response"),
    externalId: text("external_id"),
    subjectType: text("subject_type"),
    subjectId: text("subject_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("actions_idempotency").on(t.idempotencyKey),
    index("actions_status").on(t.status, t.updatedAt),
    index("actions_decision").on(t.decisionId),
    index("actions_external").on(t.externalId),
    index("actions_subject").on(t.subjectType, t.subjectId),
    index("actions_connector_status").on(t.connector, t.status),
    index("actions_updated").on(t.updatedAt),
  ],
);

/** Every customer message put in the outbox, with the journey moment it is about: the contact policy's memory. */
export const customerContacts = sqliteTable(
  "customer_contacts",
  {
    actionId: text("action_id").primaryKey(),
    /** customer:<id>, or the recipient's phone/email when the customer is not known. */
    customerKey: text("customer_key").notNull(),
    orderId: text("order_id"),
    decisionId: text("decision_id"),
    decisionKey: text("decision_key").notNull(),
    momentKey: text("moment_key").notNull(),
    /** The Moment (JSON) the send-time check re-reads. */
    moment: text("moment").notNull(),
    label: text("label").notNull(),
    priority: integer("priority").notNull(),
    urgent: integer("urgent").notNull(),
    channel: text("channel").notNull(),
    /** When it goes out (the end of quiet hours for a held message). */
    at: integer("at").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("customer_contacts_customer_at").on(t.customerKey, t.at), index("customer_contacts_order_moment").on(t.orderId, t.momentKey)],
);

export const actionAttempts = sqliteTable(
  "action_attempts",
  {
    id: text("id").primaryKey(),
    actionId: text("action_id").notNull(),
    attempt: integer("attempt").notNull(),
    outcome: text("outcome").notNull(),
    httpStatus: integer("http_status"),
    error: text("error"),
    at: integer("at").notNull(),
  },
  (t) => [index("action_attempts_action").on(t.actionId)],
);

/** Outputs of the cron-fed models, each with the time it was computed. */
export const skuForecasts = sqliteTable("sku_forecasts", {
  sku: text("sku").primaryKey(),
  method: text("method").notNull(),
  dailyDemand: text("daily_demand").notNull(),
  meanDaily: integer("mean_daily_milli").notNull(),
  mase: integer("mase_milli"),
  baselineMae: integer("baseline_mae_milli"),
  /** JSON: σ of total demand over the first 1..horizon days (rolling-origin errors); null when the history was too short to validate. */
  cumulativeSigma: text("cumulative_sigma"),
  /** JSON {level, lower[], upper[]}: the daily prediction interval. */
  predictionInterval: text("prediction_interval"),
  /** Rolling-origin windows the method was chosen on. */
  windows: integer("windows"),
  computedAt: integer("computed_at").notNull(),
});

export const customerModels = sqliteTable(
  "customer_models",
  {
    customerId: text("customer_id").primaryKey(),
    ltv: integer("ltv").notNull(),
    tier: text("tier").notNull(),
    ordersCount: integer("orders_count").notNull(),
    lastOrderAt: integer("last_order_at"),
    intervalDays: integer("interval_days_milli"),
    categoryIntervals: text("category_intervals").notNull(),
    predictedNextOrderAt: integer("predicted_next_order_at"),
    churnRisk: integer("churn_risk_milli"),
    /** BG/NBD P(active) × 1000; null without a store fit. */
    pActive: integer("p_active_milli"),
    expectedOrders90d: integer("expected_orders_90d_milli"),
    /** Expected spend over the next 365 days, paise. */
    predictedClv: integer("predicted_clv"),
    /** Gamma-Gamma expected value of one future order, paise. */
    expectedOrderValue: integer("expected_order_value"),
    /** Expected next order if still active (BG/NBD posterior rate), epoch ms. */
    expectedNextOrderAt: integer("expected_next_order_at"),
    computedAt: integer("computed_at").notNull(),
    /** When its predictions last went to the CRMs, epoch ms (the daily sync sends a customer once a day). */
    crmSyncedAt: integer("crm_synced_at"),
  },
  (t) => [index("customer_models_tier").on(t.tier)],
);

/** A store-level model's fitted parameters (e.g. `customers`: BG/NBD + Gamma-Gamma), JSON, refitted by the customer-model cron. */
export const modelFits = sqliteTable("model_fits", {
  model: text("model").primaryKey(),
  params: text("params").notNull(),
  customers: integer("customers").notNull(),
  fittedAt: integer("fitted_at").notNull(),
});

export const routeStats = sqliteTable(
  "route_stats",
  {
    carrier: text("carrier").notNull(),
    origin: text("origin").notNull(),
    destination: text("destination").notNull(),
    shipments: integer("shipments").notNull(),
    delayRate: integer("delay_rate_milli").notNull(),
    rtoRate: integer("rto_rate_milli").notNull(),
    baselineDelayRate: integer("baseline_delay_rate_milli").notNull(),
    baselineRtoRate: integer("baseline_rto_rate_milli").notNull(),
    medianTransitHours: integer("median_transit_hours"),
    p90TransitHours: integer("p90_transit_hours"),
    transitSamples: integer("transit_samples").notNull().default(0),
    carrierLatenessHours: integer("carrier_lateness_hours"),
    trend: text("trend").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.carrier, t.origin, t.destination] })],
);

/** Small key/value store for cron watermarks and similar bookkeeping. */
export const kv = sqliteTable("kv", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * What each privacy request did (`erased`: rows changed per table) and when; app/uninstalled
 * receipts, which a shop/redact needs before it is honoured. Kept through every redact.
 */
export const privacyLog = sqliteTable(
  "privacy_log",
  {
    id: text("id").primaryKey(),
    /** customer_redact | shop_redact | customer_data_request | app_uninstalled */
    kind: text("kind").notNull(),
    shopDomain: text("shop_domain").notNull(),
    shopId: text("shop_id"),
    subjectId: text("subject_id"),
    rawEventId: text("raw_event_id"),
    receivedAt: integer("received_at").notNull(),
    completedAt: integer("completed_at"),
    erased: text("erased"),
  },
  (t) => [index("privacy_log_kind_shop").on(t.kind, t.shopDomain, t.receivedAt)],
);

/** Connector state without secrets: a refused or disconnected credential, and the last call and its outcome. */
export const connectorStatus = sqliteTable("connector_status", {
  connector: text("connector").primaryKey(),
  /** ok | unauthorised | disconnected */
  status: text("status").notNull(),
  reason: text("reason"),
  statusAt: integer("status_at"),
  lastCallAt: integer("last_call_at"),
  lastOutcome: text("last_outcome"),
  lastHttpStatus: integer("last_http_status"),
  lastError: text("last_error"),
  updatedAt: integer("updated_at").notNull(),
});

/** The store's Shopify locations (`locations/*` webhooks, and the Admin read at setup). */
export const shopifyLocations = sqliteTable("shopify_locations", {
  id: text("id").primaryKey(),
  name: text("name"),
  active: integer("active").notNull().default(1),
  updatedAt: integer("updated_at").notNull(),
  source: text("source").notNull(),
});

/** Which ERP warehouses feed which Shopify location (one row; absent = the default, see db/locations.ts). */
export const locationMap = sqliteTable("location_map", {
  id: integer("id").primaryKey(),
  /** JSON `{ [shopifyLocationId]: warehouseId[] }` */
  body: text("body").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** A bundle's components: selling one bundle consumes `quantity` of each. */
export const skuBundles = sqliteTable(
  "sku_bundles",
  {
    bundleSku: text("bundle_sku").notNull(),
    componentSku: text("component_sku").notNull(),
    quantity: integer("quantity").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.bundleSku, t.componentSku] }), index("sku_bundles_component").on(t.componentSku)],
);

/** WhatsApp conversations that went to a person: the helpdesk ticket follow-ups are appended to (migration 0008). */
export const whatsappConversations = sqliteTable(
  "whatsapp_conversations",
  {
    id: text("id").primaryKey(),
    phone: text("phone").notNull(),
    customerId: text("customer_id"),
    orderId: text("order_id"),
    helpdesk: text("helpdesk").notNull(),
    /** The helpdesk's ticket id, once the create action ran (null until then, and in dry-run). */
    ticketId: text("ticket_id"),
    /** The helpdesk's id of the customer (Gorgias customer, Zendesk end user): follow-ups are written as theirs. */
    requesterId: text("requester_id"),
    /** Idempotency key of the create action: follow-ups find the ticket through it. */
    createKey: text("create_key").notNull(),
    category: text("category").notNull(),
    /** open | closed */
    status: text("status").notNull(),
    openedAt: integer("opened_at").notNull(),
    lastMessageAt: integer("last_message_at").notNull(),
    messages: integer("messages").notNull().default(1),
  },
  (t) => [
    index("whatsapp_conversations_phone").on(t.phone, t.lastMessageAt),
    index("whatsapp_conversations_order").on(t.orderId),
    // At most one open conversation per phone: two messages of one burst cannot both open a ticket.
    uniqueIndex("whatsapp_conversations_open").on(t.phone).where(sql`status = 'open'`),
  ],
);

/** The India Post pincode directory, compact (migrations/0009_cod_risk.sql; `npm run pincodes:load`). */
export const pincodeDirectory = sqliteTable(
  "pincode_directory",
  {
    pincode: text("pincode").notNull(),
    state: text("state").notNull(),
    district: text("district").notNull(),
    /** Postal division and region names, for the COD risk score's city check. */
    places: text("places").notNull(),
  },
  (t) => [primaryKey({ columns: [t.pincode, t.state, t.district] })],
);

/** Resolved forward shipments per destination (level pincode | prefix | store), for the COD risk score. */
export const destinationRto = sqliteTable(
  "destination_rto",
  {
    level: text("level").notNull(),
    key: text("key").notNull(),
    shipments: integer("shipments").notNull(),
    rtos: integer("rtos").notNull(),
    computedAt: integer("computed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.level, t.key] })],
);

/** Each COD order's risk score as scored when first seen (decisions/cod-risk.ts). */
export const codRisk = sqliteTable(
  "cod_risk",
  {
    orderId: text("order_id").primaryKey(),
    score: integer("score").notNull(),
    band: text("band").notNull(),
    /** JSON CodRiskFactor[] */
    factors: text("factors").notNull(),
    destinationRtoMilli: integer("destination_rto_milli"),
    addressChars: integer("address_chars"),
    addressHasNumber: integer("address_has_number"),
    /** Keyed hash of the normalised address lines and pincode (velocity check); never the address. */
    addressKey: text("address_key"),
    customerBlocked: integer("customer_blocked").notNull().default(0),
    policyVersion: integer("policy_version").notNull(),
    scoredAt: integer("scored_at").notNull(),
  },
  (t) => [index("cod_risk_address").on(t.addressKey)],
);

/** One failed-delivery case per order shipment: the answer, the default action, and how it ended (migration 0010). */
export const ndrCases = sqliteTable(
  "ndr_cases",
  {
    orderId: text("order_id").notNull(),
    awb: text("awb").notNull(),
    carrier: text("carrier"),
    firstFailedAt: integer("first_failed_at").notNull(),
    attempts: integer("attempts").notNull(),
    /** The customer's choice: reattempt | return. */
    answer: text("answer"),
    answeredAt: integer("answered_at"),
    /** What the no-answer default asked the carrier: re-attempt | return. */
    defaultAction: text("default_action"),
    defaultAt: integer("default_at"),
    /** delivered | rto; null while open. */
    outcome: text("outcome"),
    outcomeAt: integer("outcome_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.awb] }), index("ndr_cases_first_failed").on(t.firstFailedAt, t.outcome)],
);

/** One row per shipment sent back to origin: what the RTO cost is summed by (migration 0010). */
export const rtoShipments = sqliteTable(
  "rto_shipments",
  {
    orderId: text("order_id").notNull(),
    awb: text("awb").notNull(),
    carrier: text("carrier").notNull(),
    /** First three digits of the destination pincode. */
    pincodePrefix: text("pincode_prefix"),
    paymentMethod: text("payment_method"),
    initiatedAt: integer("initiated_at").notNull(),
    /** When the carrier reported it delivered back to the warehouse (RTO delivered). */
    receivedAt: integer("received_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.awb] }), index("rto_shipments_initiated").on(t.initiatedAt, t.carrier, t.pincodePrefix)],
);
