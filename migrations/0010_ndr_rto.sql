-- NDR resolved and RTO counted (issue 19, part 3).
-- One row per failed-delivery case (an order's shipment that failed at least once): who answered, what
-- the default did, and how it ended (delivered | rto; NULL while open), for NDR → delivery conversion.
CREATE TABLE `ndr_cases` (
	`order_id` text NOT NULL,
	`awb` text NOT NULL,
	`carrier` text,
	`first_failed_at` integer NOT NULL,
	`attempts` integer NOT NULL,
	`answer` text,
	`answered_at` integer,
	`default_action` text,
	`default_at` integer,
	`outcome` text,
	`outcome_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`order_id`, `awb`)
);
--> statement-breakpoint
CREATE INDEX `ndr_cases_first_failed` ON `ndr_cases` (`first_failed_at`,`outcome`);
--> statement-breakpoint
-- One row per shipment that went back to origin: its carrier and destination prefix (what the RTO cost
-- is summed by), when the RTO began and when the warehouse received it.
CREATE TABLE `rto_shipments` (
	`order_id` text NOT NULL,
	`awb` text NOT NULL,
	`carrier` text NOT NULL,
	`pincode_prefix` text,
	`payment_method` text,
	`initiated_at` integer NOT NULL,
	`received_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`order_id`, `awb`)
);
--> statement-breakpoint
CREATE INDEX `rto_shipments_initiated` ON `rto_shipments` (`initiated_at`,`carrier`,`pincode_prefix`);
--> statement-breakpoint
-- History already in D1: RTO scans of forward shipments become rows, so the trend starts full.
INSERT OR IGNORE INTO `rto_shipments` (`order_id`, `awb`, `carrier`, `pincode_prefix`, `payment_method`, `initiated_at`, `received_at`, `updated_at`)
SELECT e.`order_id`, e.`awb`, min(e.`carrier`), substr(coalesce(o.`shipping_pincode`, max(e.`pincode`)), 1, 3), o.`payment_method`,
	min(e.`occurred_at`), max(CASE WHEN e.`status` = 'rto_delivered' THEN e.`occurred_at` END), max(e.`received_at`)
FROM `shipment_events` e LEFT JOIN `orders` o ON o.`id` = e.`order_id`
WHERE e.`order_id` IS NOT NULL AND e.`is_return` = 0 AND e.`status` IN ('rto_initiated', 'rto_delivered')
GROUP BY e.`order_id`, e.`awb`;
--> statement-breakpoint
-- …and failed attempts become cases, ended by the delivery or RTO scan that followed them.
INSERT OR IGNORE INTO `ndr_cases` (`order_id`, `awb`, `carrier`, `first_failed_at`, `attempts`, `outcome`, `outcome_at`, `updated_at`)
SELECT f.`order_id`, f.`awb`, min(f.`carrier`), min(f.`occurred_at`), count(DISTINCT f.`occurred_at`),
	(SELECT CASE WHEN e.`status` = 'delivered' THEN 'delivered' ELSE 'rto' END FROM `shipment_events` e
		WHERE e.`order_id` = f.`order_id` AND e.`awb` = f.`awb` AND e.`status` IN ('delivered', 'rto_initiated', 'rto_delivered') ORDER BY e.`occurred_at` LIMIT 1),
	(SELECT e.`occurred_at` FROM `shipment_events` e
		WHERE e.`order_id` = f.`order_id` AND e.`awb` = f.`awb` AND e.`status` IN ('delivered', 'rto_initiated', 'rto_delivered') ORDER BY e.`occurred_at` LIMIT 1),
	max(f.`received_at`)
FROM `shipment_events` f
WHERE f.`order_id` IS NOT NULL AND f.`is_return` = 0 AND f.`status` IN ('failed_attempt', 'ndr')
GROUP BY f.`order_id`, f.`awb`;
