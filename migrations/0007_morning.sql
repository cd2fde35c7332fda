-- The morning (issue 20): decisions that wait for a person ("approve" mode) and their reviews.
-- review_status: NULL (nothing to review) | waiting | approved | dismissed; review_until: a snooze's end.
ALTER TABLE `decisions` ADD `review_status` text;
--> statement-breakpoint
ALTER TABLE `decisions` ADD `review_until` integer;
--> statement-breakpoint
CREATE INDEX `decisions_review` ON `decisions` (`review_status`,`created_at`);
--> statement-breakpoint
-- Every approval, dismissal and snooze, with who and why: the decision's record of its review.
CREATE TABLE `decision_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`decision_id` text NOT NULL,
	`verdict` text NOT NULL,
	`by` text NOT NULL,
	`note` text,
	`until` integer,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decision_reviews_decision` ON `decision_reviews` (`decision_id`,`at`);
--> statement-breakpoint
-- Integration health and source silence: per source, the last event and events per hour.
CREATE INDEX `raw_events_source_received` ON `raw_events` (`source`,`received_at`);
--> statement-breakpoint
-- The live overview's change check: the newest action update without a scan.
CREATE INDEX `actions_updated` ON `actions` (`updated_at`);
