CREATE TABLE `action_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`action_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`error` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `action_attempts_action` ON `action_attempts` (`action_id`);--> statement-breakpoint
CREATE TABLE `actions` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text,
	`connector` text NOT NULL,
	`kind` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`last_error` text,
	`params` text NOT NULL,
	`request` text,
	`response` text,
	`external_id` text,
	`subject_type` text,
	`subject_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `actions_idempotency` ON `actions` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `actions_status` ON `actions` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `actions_decision` ON `actions` (`decision_id`);--> statement-breakpoint
CREATE INDEX `actions_external` ON `actions` (`external_id`);--> statement-breakpoint
CREATE INDEX `actions_subject` ON `actions` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `customer_models` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`ltv` integer NOT NULL,
	`tier` text NOT NULL,
	`orders_count` integer NOT NULL,
	`last_order_at` integer,
	`interval_days_milli` integer,
	`category_intervals` text NOT NULL,
	`predicted_next_order_at` integer,
	`churn_risk_milli` integer,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_models_tier` ON `customer_models` (`tier`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text,
	`phone` text,
	`first_name` text,
	`last_name` text,
	`orders_count` integer,
	`total_spent` integer,
	`accepts_marketing` integer DEFAULT false NOT NULL,
	`accepts_whatsapp` integer DEFAULT false NOT NULL,
	`created_at` integer,
	`updated_at` integer NOT NULL,
	`redacted_at` integer,
	`source` text NOT NULL,
	`source_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customers_email` ON `customers` (`email`);--> statement-breakpoint
CREATE INDEX `customers_phone` ON `customers` (`phone`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`raw_event_id` text,
	`source` text NOT NULL,
	`topic` text,
	`reason` text NOT NULL,
	`body` text,
	`received_at` integer NOT NULL,
	`replayed_at` integer
);
--> statement-breakpoint
CREATE INDEX `dead_letters_received` ON `dead_letters` (`received_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letters_raw` ON `dead_letters` (`raw_event_id`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`reasons` text NOT NULL,
	`inputs` text NOT NULL,
	`actions` text NOT NULL,
	`policy_version` integer NOT NULL,
	`mode` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_dedupe` ON `decisions` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `decisions_subject` ON `decisions` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `decisions_type_created` ON `decisions` (`type`,`created_at`);--> statement-breakpoint
CREATE INDEX `decisions_created` ON `decisions` (`created_at`);--> statement-breakpoint
CREATE TABLE `inventory_records` (
	`source` text NOT NULL,
	`sku` text NOT NULL,
	`inventory_item_id` text,
	`location_id` text NOT NULL,
	`available` integer NOT NULL,
	`on_hand` integer,
	`committed` integer,
	`incoming` integer,
	`reorder_point` integer,
	`lead_time_days` integer,
	`updated_at` integer NOT NULL,
	`source_id` text NOT NULL,
	PRIMARY KEY(`source`, `sku`, `location_id`)
);
--> statement-breakpoint
CREATE INDEX `inventory_item` ON `inventory_records` (`inventory_item_id`);--> statement-breakpoint
CREATE TABLE `journeys` (
	`order_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`state_at` integer NOT NULL,
	`last_scan_at` integer,
	`last_scan_location` text,
	`awb` text,
	`carrier` text,
	`eta` integer,
	`stalled` integer DEFAULT false NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`cod_pending` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journeys_state` ON `journeys` (`state`,`updated_at`);--> statement-breakpoint
CREATE INDEX `journeys_stalled` ON `journeys` (`stalled`);--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`direction` text NOT NULL,
	`phone` text,
	`customer_id` text,
	`order_id` text,
	`kind` text NOT NULL,
	`text` text,
	`payload` text,
	`status` text NOT NULL,
	`error` text,
	`occurred_at` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_phone` ON `messages` (`phone`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `messages_order` ON `messages` (`order_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `order_links` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`order_id` text NOT NULL,
	`carrier` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`)
);
--> statement-breakpoint
CREATE INDEX `order_links_order` ON `order_links` (`order_id`);--> statement-breakpoint
CREATE TABLE `order_returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`refund_id` text,
	`amount` integer NOT NULL,
	`restock` integer NOT NULL,
	`line_items` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `order_returns_order` ON `order_returns` (`order_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`number` integer,
	`customer_id` text,
	`email` text,
	`phone` text,
	`currency` text NOT NULL,
	`total_price` integer NOT NULL,
	`subtotal_price` integer NOT NULL,
	`payment_method` text NOT NULL,
	`financial_status` text,
	`fulfillment_status` text,
	`cancelled_at` integer,
	`shipping_pincode` text,
	`shipping_city` text,
	`shipping_state` text,
	`line_items` text NOT NULL,
	`tags` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `orders_name` ON `orders` (`name`);--> statement-breakpoint
CREATE INDEX `orders_customer` ON `orders` (`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `orders_email` ON `orders` (`email`);--> statement-breakpoint
CREATE INDEX `orders_phone` ON `orders` (`phone`);--> statement-breakpoint
CREATE INDEX `orders_created` ON `orders` (`created_at`);--> statement-breakpoint
CREATE TABLE `policies` (
	`version` integer PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `products` (
	`sku` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`category` text,
	`product_id` text,
	`variant_id` text,
	`inventory_item_id` text,
	`price` integer,
	`updated_at` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `products_inventory_item` ON `products` (`inventory_item_id`);--> statement-breakpoint
CREATE INDEX `products_variant` ON `products` (`variant_id`);--> statement-breakpoint
CREATE TABLE `purchase_orders` (
	`po_number` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`expected_at` integer,
	`lines` text NOT NULL,
	`updated_at` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `raw_events` (
	`id` text PRIMARY KEY NOT NULL,
	`source` text NOT NULL,
	`delivery_id` text NOT NULL,
	`topic` text NOT NULL,
	`received_at` integer NOT NULL,
	`triggered_at` integer,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`processed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `raw_events_source_delivery` ON `raw_events` (`source`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `raw_events_status` ON `raw_events` (`status`,`received_at`);--> statement-breakpoint
CREATE TABLE `route_stats` (
	`carrier` text NOT NULL,
	`origin` text NOT NULL,
	`destination` text NOT NULL,
	`shipments` integer NOT NULL,
	`delay_rate_milli` integer NOT NULL,
	`rto_rate_milli` integer NOT NULL,
	`baseline_delay_rate_milli` integer NOT NULL,
	`baseline_rto_rate_milli` integer NOT NULL,
	`median_transit_hours` integer,
	`trend` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`carrier`, `origin`, `destination`)
);
--> statement-breakpoint
CREATE TABLE `shipment_events` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text,
	`order_ref` text,
	`carrier` text NOT NULL,
	`awb` text NOT NULL,
	`status` text NOT NULL,
	`raw_status` text NOT NULL,
	`location` text,
	`pincode` text,
	`eta` integer,
	`is_return` integer DEFAULT false NOT NULL,
	`occurred_at` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shipment_events_awb` ON `shipment_events` (`awb`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `shipment_events_order` ON `shipment_events` (`order_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `sku_forecasts` (
	`sku` text PRIMARY KEY NOT NULL,
	`method` text NOT NULL,
	`daily_demand` text NOT NULL,
	`mean_daily_milli` integer NOT NULL,
	`mase_milli` integer,
	`baseline_mae_milli` integer,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sku_settings` (
	`sku` text PRIMARY KEY NOT NULL,
	`lead_time_days` integer,
	`reorder_point` integer,
	`safety_stock` integer,
	`pack_size` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sku_stock` (
	`sku` text PRIMARY KEY NOT NULL,
	`available` integer NOT NULL,
	`committed` integer NOT NULL,
	`incoming` integer NOT NULL,
	`by_location` text NOT NULL,
	`safety_floor` integer NOT NULL,
	`daily_demand_milli` integer,
	`days_of_cover_milli` integer,
	`projected_stockout_at` integer,
	`last_synced_at` integer,
	`drift` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`helpdesk` text NOT NULL,
	`ticket_id` text NOT NULL,
	`customer_id` text,
	`order_id` text,
	`order_ref` text,
	`email` text,
	`phone` text,
	`channel` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`priority` text,
	`assignee` text,
	`tags` text NOT NULL,
	`created_at` integer NOT NULL,
	`first_response_at` integer,
	`updated_at` integer NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tickets_order` ON `tickets` (`order_id`);--> statement-breakpoint
CREATE INDEX `tickets_customer` ON `tickets` (`customer_id`);--> statement-breakpoint
CREATE INDEX `tickets_email` ON `tickets` (`email`);--> statement-breakpoint
CREATE INDEX `tickets_status` ON `tickets` (`status`,`created_at`);