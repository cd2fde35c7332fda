/**
 * The Shopify webhook topics Switchyard subscribes to, as the Admin GraphQL `WebhookSubscriptionTopic`
 * enum names them (README, "Shopify topics to subscribe"). The privacy topics (customers/data_request,
 * customers/redact, shop/redact) are not subscribable through the API: they are set in the app's
 * configuration in the Dev Dashboard (or shopify.app.toml).
 */
export const SHOPIFY_SUBSCRIPTION_TOPICS = [
  "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_CANCELLED", "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE",
  "FULFILLMENT_EVENTS_CREATE", "INVENTORY_LEVELS_UPDATE", "PRODUCTS_CREATE",
  // Stock per location (issue 18): each location's level, and the locations themselves.
  "INVENTORY_LEVELS_CONNECT", "INVENTORY_LEVELS_DISCONNECT", "LOCATIONS_CREATE", "LOCATIONS_UPDATE", "LOCATIONS_DELETE",
  "LOCATIONS_ACTIVATE", "LOCATIONS_DEACTIVATE", "PRODUCTS_UPDATE", "REFUNDS_CREATE",
  "RETURNS_REQUEST", "RETURNS_CLOSE", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE",
  // So an uninstall stops outbound calls and shows the store disconnected.
  "APP_UNINSTALLED",
] as const;

export const APP_UNINSTALLED_TOPIC = "app/uninstalled";
