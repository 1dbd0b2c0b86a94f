CREATE TABLE `activities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`series_id` integer,
	`organisation_id` integer,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`audience` text DEFAULT '' NOT NULL,
	`room_id` integer,
	`place` text DEFAULT '' NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`local_date` text NOT NULL,
	`weekday` integer NOT NULL,
	`start_minute` integer NOT NULL,
	`registration` integer DEFAULT false NOT NULL,
	`capacity` integer,
	`enrol_closes_at` integer,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`cancel_reason` text DEFAULT '' NOT NULL,
	`headcount` integer,
	`headcount_at` integer,
	`headcount_by` integer,
	`report` text,
	`report_html` text DEFAULT '' NOT NULL,
	`report_updated_at` integer,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`series_id`) REFERENCES `activity_series`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`headcount_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "activities_order_check" CHECK("activities"."ends_at" > "activities"."starts_at"),
	CONSTRAINT "activities_title_check" CHECK(length(trim("activities"."title")) > 0),
	CONSTRAINT "activities_where_check" CHECK("activities"."room_id" IS NOT NULL OR length(trim("activities"."place")) > 0),
	CONSTRAINT "activities_capacity_check" CHECK(("activities"."registration" = 0 AND "activities"."capacity" IS NULL) OR ("activities"."registration" = 1 AND "activities"."capacity" BETWEEN 1 AND 5000)),
	CONSTRAINT "activities_headcount_check" CHECK("activities"."headcount" IS NULL OR "activities"."headcount" >= 0),
	CONSTRAINT "activities_weekday_check" CHECK("activities"."weekday" BETWEEN 1 AND 7),
	CONSTRAINT "activities_minute_check" CHECK("activities"."start_minute" BETWEEN 0 AND 1439),
	CONSTRAINT "activities_cancel_reason_check" CHECK("activities"."status" <> 'cancelled' OR length(trim("activities"."cancel_reason")) > 0)
);
--> statement-breakpoint
CREATE INDEX `activities_starts_idx` ON `activities` (`starts_at`);--> statement-breakpoint
CREATE INDEX `activities_academy_idx` ON `activities` (`academy_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `activities_room_idx` ON `activities` (`room_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `activities_date_idx` ON `activities` (`local_date`);--> statement-breakpoint
CREATE INDEX `activities_series_idx` ON `activities` (`series_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `activities_org_idx` ON `activities` (`organisation_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `activity_attendance` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` integer NOT NULL,
	`registration_id` integer,
	`user_id` integer,
	`family_member_id` integer,
	`present` integer DEFAULT true NOT NULL,
	`method` text NOT NULL,
	`marked_by` integer,
	`marked_at` integer NOT NULL,
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`registration_id`) REFERENCES `activity_registrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`family_member_id`) REFERENCES `family_members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`marked_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activity_attendance_registration_unique` ON `activity_attendance` (`activity_id`,`registration_id`) WHERE registration_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `activity_attendance_self_unique` ON `activity_attendance` (`activity_id`,`user_id`) WHERE registration_id IS NULL AND family_member_id IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `activity_attendance_member_unique` ON `activity_attendance` (`activity_id`,`family_member_id`) WHERE registration_id IS NULL AND family_member_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `activity_attendance_activity_idx` ON `activity_attendance` (`activity_id`,`present`,`method`);--> statement-breakpoint
CREATE INDEX `activity_attendance_user_idx` ON `activity_attendance` (`user_id`);--> statement-breakpoint
CREATE TABLE `activity_photos` (
	`activity_id` integer NOT NULL,
	`resource_id` integer NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activity_photos_pk` ON `activity_photos` (`activity_id`,`resource_id`);--> statement-breakpoint
CREATE TABLE `activity_registrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`activity_id` integer NOT NULL,
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
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`family_member_id`) REFERENCES `family_members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`ended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "activity_registrations_person_check" CHECK(("activity_registrations"."user_id" IS NOT NULL AND "activity_registrations"."walkin_name" IS NULL AND "activity_registrations"."walkin_phone" IS NULL) OR ("activity_registrations"."user_id" IS NULL AND "activity_registrations"."family_member_id" IS NULL AND length(trim("activity_registrations"."walkin_name")) > 0 AND length(trim("activity_registrations"."walkin_phone")) > 0)),
	CONSTRAINT "activity_registrations_queue_check" CHECK("activity_registrations"."status" <> 'waitlisted' OR "activity_registrations"."queue_key" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `activity_registrations_self_active_unique` ON `activity_registrations` (`activity_id`,`user_id`) WHERE family_member_id IS NULL AND user_id IS NOT NULL AND status IN ('confirmed', 'waitlisted', 'lottery_pending');--> statement-breakpoint
CREATE UNIQUE INDEX `activity_registrations_member_active_unique` ON `activity_registrations` (`activity_id`,`family_member_id`) WHERE family_member_id IS NOT NULL AND status IN ('confirmed', 'waitlisted', 'lottery_pending');--> statement-breakpoint
CREATE UNIQUE INDEX `activity_registrations_walkin_active_unique` ON `activity_registrations` (`activity_id`,`walkin_phone`) WHERE user_id IS NULL AND status IN ('confirmed', 'waitlisted', 'lottery_pending');--> statement-breakpoint
CREATE INDEX `activity_registrations_activity_status_idx` ON `activity_registrations` (`activity_id`,`status`,`queue_key`);--> statement-breakpoint
CREATE INDEX `activity_registrations_user_idx` ON `activity_registrations` (`user_id`,`status`);--> statement-breakpoint
CREATE TABLE `activity_series` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`weekdays` text NOT NULL,
	`start_time` text NOT NULL,
	`end_time` text NOT NULL,
	`first_date` text NOT NULL,
	`last_date` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
