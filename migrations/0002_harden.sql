-- Privacy log: every privacy request carried out (what was erased, and when), every app/uninstalled
-- received (a shop/redact is honoured only after one), and data requests. Never erased by a redact.
CREATE TABLE `privacy_log` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`shop_domain` text NOT NULL,
	`shop_id` text,
	`subject_id` text,
	`raw_event_id` text,
	`received_at` integer NOT NULL,
	`completed_at` integer,
	`erased` text
);
--> statement-breakpoint
CREATE INDEX `privacy_log_kind_shop` ON `privacy_log` (`kind`,`shop_domain`,`received_at`);
