CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`verification` text DEFAULT 'unverified' NOT NULL,
	`verified_at` text,
	`health` text DEFAULT 'ok' NOT NULL,
	`health_reason` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_kind_value_uq` ON `contacts` (`kind`,`value`);--> statement-breakpoint
CREATE TABLE `correspondence` (
	`id` text PRIMARY KEY NOT NULL,
	`flat_code` text NOT NULL,
	`category` text NOT NULL,
	`generated_at` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`attachments` text DEFAULT '[]' NOT NULL,
	`decision` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` text NOT NULL,
	`correspondence_id` text,
	`channel` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `buildings` (
	`id` text PRIMARY KEY NOT NULL,
	`address` text NOT NULL,
	`city` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `flats` (
	`code` text PRIMARY KEY NOT NULL,
	`building_id` text NOT NULL,
	`staircase` text NOT NULL,
	`number` text NOT NULL,
	`secret_hash` text,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`building_id`) REFERENCES `buildings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flats_address_uq` ON `flats` (`building_id`,`staircase`,`number`);--> statement-breakpoint
CREATE TABLE `kiosk_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`public_jwk` text NOT NULL,
	`created_at` text NOT NULL,
	`retired_at` text
);
--> statement-breakpoint
CREATE TABLE `kiosk_requests` (
	`key` text PRIMARY KEY NOT NULL,
	`response` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `receipts` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`event_seq` integer NOT NULL,
	`data` text NOT NULL,
	`signature` text NOT NULL,
	`kid` text NOT NULL,
	`print_status` text DEFAULT 'pending' NOT NULL,
	`print_error` text,
	`created_at` text NOT NULL,
	`printed_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `receipts_number_unique` ON `receipts` (`number`);--> statement-breakpoint
CREATE TABLE `office_clients` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `office_keys` (
	`key_id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`client_id`) REFERENCES `office_clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `office_nonces` (
	`nonce` text PRIMARY KEY NOT NULL,
	`key_id` text NOT NULL,
	`seen_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`priority` integer NOT NULL,
	`recipient` text NOT NULL,
	`payload` text NOT NULL,
	`category` text,
	`correspondence_id` text,
	`flat_code` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`lease_owner` text,
	`lease_until` text,
	`expires_at` text NOT NULL,
	`external_id` text,
	`last_error` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_claim_idx` ON `outbox` (`status`,`priority`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `owners` (
	`id` text PRIMARY KEY NOT NULL,
	`first_name` text NOT NULL,
	`surname` text NOT NULL,
	`surname_key` text NOT NULL,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ownership_shares` (
	`flat_code` text NOT NULL,
	`owner_id` text NOT NULL,
	`role` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	PRIMARY KEY(`flat_code`, `owner_id`),
	FOREIGN KEY (`flat_code`) REFERENCES `flats`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`owner_id`) REFERENCES `owners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `register_acknowledgements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`first_bad_seq` integer NOT NULL,
	`head_seq` integer NOT NULL,
	`head_hash` text NOT NULL,
	`operator` text NOT NULL,
	`note` text NOT NULL,
	`acknowledged_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `register_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`flat_code` text NOT NULL,
	`owner_id` text,
	`payload` text NOT NULL,
	`occurred_at` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `register_events_flat_idx` ON `register_events` (`flat_code`,`seq`);--> statement-breakpoint
CREATE TABLE `identify_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`flat_code` text NOT NULL,
	`at` text NOT NULL,
	`success` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identify_flat_idx` ON `identify_attempts` (`flat_code`,`at`);--> statement-breakpoint
CREATE TABLE `otp_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`contact` text NOT NULL,
	`code_hash` text NOT NULL,
	`kiosk_id` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`confirmed_at` text
);
--> statement-breakpoint
CREATE INDEX `otp_contact_idx` ON `otp_codes` (`contact`,`created_at`);