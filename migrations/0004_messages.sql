-- Issue 16: the contact policy. Every customer message that reaches the outbox is entered in
-- customer_contacts with the journey moment it is about; decisions carry what the policy suppressed.
-- Orders keep Shopify's customer_locale (template language); route stats keep the p90 transit time,
-- how many deliveries the transit figures rest on, and the carrier's median lateness (revised ETAs).
ALTER TABLE `orders` ADD `customer_locale` text;--> statement-breakpoint
ALTER TABLE `route_stats` ADD `p90_transit_hours` integer;--> statement-breakpoint
ALTER TABLE `route_stats` ADD `transit_samples` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `route_stats` ADD `carrier_lateness_hours` integer;--> statement-breakpoint
ALTER TABLE `decisions` ADD `suppressed` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
CREATE TABLE `customer_contacts` (
	`action_id` text PRIMARY KEY NOT NULL,
	`customer_key` text NOT NULL,
	`order_id` text,
	`decision_id` text,
	`decision_key` text NOT NULL,
	`moment_key` text NOT NULL,
	`moment` text NOT NULL,
	`label` text NOT NULL,
	`priority` integer NOT NULL,
	`urgent` integer NOT NULL,
	`channel` text NOT NULL,
	`at` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_contacts_customer_at` ON `customer_contacts` (`customer_key`,`at`);--> statement-breakpoint
CREATE INDEX `customer_contacts_order_moment` ON `customer_contacts` (`order_id`,`moment_key`);
