CREATE TABLE `clock_steps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`before` text NOT NULL,
	`after` text NOT NULL,
	`step_ms` integer NOT NULL,
	`moved` text DEFAULT '{}' NOT NULL
);
