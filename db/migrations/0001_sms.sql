CREATE TABLE `sms_incoming` (
	`id` text PRIMARY KEY NOT NULL,
	`from_number` text NOT NULL,
	`text` text NOT NULL,
	`received_at` text NOT NULL,
	`action` text NOT NULL,
	`flat_codes` text DEFAULT '[]' NOT NULL,
	`reply_id` text,
	`office_seen_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sms_incoming_action_idx` ON `sms_incoming` (`action`,`created_at`);--> statement-breakpoint
CREATE TABLE `sms_messages` (
	`outbox_id` text PRIMARY KEY NOT NULL,
	`driver` text NOT NULL,
	`external_id` text NOT NULL,
	`recipient` text NOT NULL,
	`encoding` text NOT NULL,
	`parts` integer NOT NULL,
	`state` text NOT NULL,
	`reported_state` text,
	`reason` text,
	`injected_at` text NOT NULL,
	`sent_at` text,
	`final_at` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sms_messages_state_idx` ON `sms_messages` (`state`);--> statement-breakpoint
CREATE INDEX `sms_messages_recipient_idx` ON `sms_messages` (`recipient`,`injected_at`);