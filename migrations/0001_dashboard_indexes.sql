CREATE INDEX `decisions_type_subject` ON `decisions` (`type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `inventory_records_sku` ON `inventory_records` (`sku`);--> statement-breakpoint
CREATE INDEX `journeys_at_risk` ON `journeys` (`updated_at`) WHERE stalled = 1 OR failed_attempts > 0 OR cod_pending = 1;--> statement-breakpoint
CREATE INDEX `shipment_events_recent` ON `shipment_events` (`occurred_at`,`carrier`,`status`,`awb`,`is_return`);