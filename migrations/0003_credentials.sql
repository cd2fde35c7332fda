-- Credentials (issue 15): connector state without secrets (tokens live sealed in the Credential
-- Durable Objects), and an index for the actions that wait, per connector, as `blocked`.
CREATE TABLE `connector_status` (
	`connector` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`status_at` integer,
	`last_call_at` integer,
	`last_outcome` text,
	`last_http_status` integer,
	`last_error` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `actions_connector_status` ON `actions` (`connector`,`status`);
