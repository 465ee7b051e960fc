CREATE TABLE `office_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`at` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `office_alerts_at_idx` ON `office_alerts` (`at`);--> statement-breakpoint
CREATE TABLE `staff_login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`client` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `staff_failures_client_idx` ON `staff_login_failures` (`client`,`at`);--> statement-breakpoint
CREATE INDEX `staff_failures_at_idx` ON `staff_login_failures` (`at`);--> statement-breakpoint
ALTER TABLE `staff_sessions` ADD `last_seen_at` text;--> statement-breakpoint
ALTER TABLE `identify_attempts` ADD `client` text DEFAULT 'local' NOT NULL;--> statement-breakpoint
CREATE INDEX `identify_client_idx` ON `identify_attempts` (`client`,`at`);--> statement-breakpoint
CREATE INDEX `identify_at_idx` ON `identify_attempts` (`at`);--> statement-breakpoint
ALTER TABLE `otp_codes` ADD `session_key` text;--> statement-breakpoint
ALTER TABLE `otp_codes` ADD `flat_code` text;--> statement-breakpoint
CREATE INDEX `otp_kiosk_idx` ON `otp_codes` (`kiosk_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `otp_session_idx` ON `otp_codes` (`session_key`);--> statement-breakpoint
CREATE INDEX `otp_created_idx` ON `otp_codes` (`created_at`);--> statement-breakpoint
CREATE INDEX `kiosk_requests_created_idx` ON `kiosk_requests` (`created_at`);--> statement-breakpoint
CREATE INDEX `office_nonces_seen_idx` ON `office_nonces` (`seen_at`);