CREATE TABLE `enrollments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`user_id` integer,
	`family_member_id` integer,
	`walkin_name` text,
	`walkin_phone` text,
	`status` text NOT NULL,
	`queue_key` integer,
	`priority` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`promoted_at` integer,
	`cancelled_at` integer,
	`added_by` integer,
	`ended_by` integer,
	`end_reason` text DEFAULT '' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `class_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`family_member_id`) REFERENCES `family_members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`ended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "enrollments_person_check" CHECK(("enrollments"."user_id" IS NOT NULL AND "enrollments"."walkin_name" IS NULL AND "enrollments"."walkin_phone" IS NULL) OR ("enrollments"."user_id" IS NULL AND "enrollments"."family_member_id" IS NULL AND length(trim("enrollments"."walkin_name")) > 0 AND length(trim("enrollments"."walkin_phone")) > 0)),
	CONSTRAINT "enrollments_queue_check" CHECK("enrollments"."status" <> 'waitlisted' OR "enrollments"."queue_key" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_self_active_unique` ON `enrollments` (`run_id`,`user_id`) WHERE family_member_id IS NULL AND user_id IS NOT NULL AND status IN ('confirmed', 'waitlisted', 'lottery_pending');--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_member_active_unique` ON `enrollments` (`run_id`,`family_member_id`) WHERE family_member_id IS NOT NULL AND status IN ('confirmed', 'waitlisted', 'lottery_pending');--> statement-breakpoint
CREATE UNIQUE INDEX `enrollments_walkin_active_unique` ON `enrollments` (`run_id`,`walkin_phone`) WHERE user_id IS NULL AND status IN ('confirmed', 'waitlisted', 'lottery_pending');--> statement-breakpoint
CREATE INDEX `enrollments_run_status_idx` ON `enrollments` (`run_id`,`status`,`queue_key`);--> statement-breakpoint
CREATE INDEX `enrollments_user_idx` ON `enrollments` (`user_id`,`status`);--> statement-breakpoint
CREATE INDEX `enrollments_member_idx` ON `enrollments` (`family_member_id`);--> statement-breakpoint
CREATE TABLE `family_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_user_id` integer NOT NULL,
	`name` text NOT NULL,
	`relation` text NOT NULL,
	`birth_year` integer NOT NULL,
	`phone` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`removed_at` integer,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "family_members_birth_year_check" CHECK("family_members"."birth_year" BETWEEN 1900 AND 2100),
	CONSTRAINT "family_members_name_check" CHECK(length(trim("family_members"."name")) > 0)
);
--> statement-breakpoint
CREATE INDEX `family_members_owner_idx` ON `family_members` (`owner_user_id`);--> statement-breakpoint
CREATE TABLE `lottery_draws` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`seed` text NOT NULL,
	`applicant_ids` text NOT NULL,
	`drawn_order` text NOT NULL,
	`capacity` integer NOT NULL,
	`winners` integer NOT NULL,
	`drawn_by` integer,
	`drawn_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `class_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`drawn_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lottery_draws_run_unique` ON `lottery_draws` (`run_id`);