-- Stock per location (issue 18): the store's Shopify locations, which ERP warehouses feed each one,
-- and bundles (a kit's components and how many of each it takes).
CREATE TABLE `shopify_locations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text,
	`active` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `location_map` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`body` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sku_bundles` (
	`bundle_sku` text NOT NULL,
	`component_sku` text NOT NULL,
	`quantity` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`bundle_sku`, `component_sku`)
);
--> statement-breakpoint
CREATE INDEX `sku_bundles_component` ON `sku_bundles` (`component_sku`);
