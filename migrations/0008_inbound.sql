-- Inbound WhatsApp (issue 17, part 1): one row per support conversation a customer opened on WhatsApp
-- that went to a person (a helpdesk ticket). Follow-up messages from the same phone while the ticket is
-- open are appended to the same ticket instead of opening new ones.
-- ticket_id: the helpdesk's ticket id once the create action has run (NULL until then, and in dry-run);
-- requester_id: the helpdesk's id of the customer (Gorgias customer, Zendesk end user), so follow-ups are theirs;
-- create_key: the idempotency key of that create action, through which follow-ups find the ticket.
CREATE TABLE `whatsapp_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`phone` text NOT NULL,
	`customer_id` text,
	`order_id` text,
	`helpdesk` text NOT NULL,
	`ticket_id` text,
	`requester_id` text,
	`create_key` text NOT NULL,
	`category` text NOT NULL,
	`status` text NOT NULL,
	`opened_at` integer NOT NULL,
	`last_message_at` integer NOT NULL,
	`messages` integer NOT NULL DEFAULT 1
);
--> statement-breakpoint
CREATE INDEX `whatsapp_conversations_phone` ON `whatsapp_conversations` (`phone`,`last_message_at`);
--> statement-breakpoint
CREATE INDEX `whatsapp_conversations_order` ON `whatsapp_conversations` (`order_id`);
--> statement-breakpoint
-- At most one open conversation per phone: two messages of one burst, ingested at once, cannot both open a ticket.
CREATE UNIQUE INDEX `whatsapp_conversations_open` ON `whatsapp_conversations` (`phone`) WHERE status = 'open';
