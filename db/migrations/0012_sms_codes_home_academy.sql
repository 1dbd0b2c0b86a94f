CREATE TABLE `sms_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`phone` text NOT NULL,
	`purpose` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	CONSTRAINT "sms_codes_attempts_check" CHECK("sms_codes"."attempts" >= 0)
);
--> statement-breakpoint
CREATE INDEX `sms_codes_phone_idx` ON `sms_codes` (`phone`,`purpose`,`id`);--> statement-breakpoint
ALTER TABLE `users` ADD `home_academy_changed_at` integer;--> statement-breakpoint
ALTER TABLE `academies` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `academies` ADD `closed_reason` text;