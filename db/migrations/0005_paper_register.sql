CREATE TABLE `paper_forms` (
	`reference` text PRIMARY KEY NOT NULL,
	`content_hash` text NOT NULL,
	`source` text NOT NULL,
	`flat_code` text NOT NULL,
	`owner_id` text NOT NULL,
	`applied_at` text NOT NULL,
	`entered_by` text NOT NULL,
	`event_seq` integer NOT NULL,
	`recorded_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `paper_forms_flat_idx` ON `paper_forms` (`flat_code`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `source` text DEFAULT 'kiosk' NOT NULL;