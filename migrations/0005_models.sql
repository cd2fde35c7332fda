-- Issue 21: the customer model's BG/NBD + Gamma-Gamma outputs per customer, and the store's fitted parameters.
ALTER TABLE `customer_models` ADD `p_active_milli` integer;
--> statement-breakpoint
ALTER TABLE `customer_models` ADD `expected_orders_90d_milli` integer;
--> statement-breakpoint
ALTER TABLE `customer_models` ADD `predicted_clv` integer;
--> statement-breakpoint
ALTER TABLE `customer_models` ADD `expected_order_value` integer;
--> statement-breakpoint
ALTER TABLE `customer_models` ADD `expected_next_order_at` integer;
--> statement-breakpoint
CREATE TABLE `model_fits` (
	`model` text PRIMARY KEY NOT NULL,
	`params` text NOT NULL,
	`customers` integer NOT NULL,
	`fitted_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `sku_forecasts` ADD `cumulative_sigma` text;
--> statement-breakpoint
ALTER TABLE `sku_forecasts` ADD `prediction_interval` text;
--> statement-breakpoint
ALTER TABLE `sku_forecasts` ADD `windows` integer;
