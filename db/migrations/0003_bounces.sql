CREATE TABLE `bounces` (
	`id` text PRIMARY KEY NOT NULL,
	`received_at` text NOT NULL,
	`kind` text NOT NULL,
	`outbox_id` text,
	`recipient` text,
	`status` text,
	`diagnostic` text,
	`format` text NOT NULL,
	`raw` text,
	`reviewed_by` text,
	`reviewed_at` text
);
--> statement-breakpoint
CREATE INDEX `bounces_kind_idx` ON `bounces` (`kind`,`received_at`);--> statement-breakpoint
CREATE INDEX `bounces_recipient_idx` ON `bounces` (`recipient`,`kind`);