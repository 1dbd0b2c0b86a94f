CREATE TABLE `academy_closed_dates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`date` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "academy_closed_dates_date_check" CHECK("academy_closed_dates"."date" GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `academy_closed_dates_unique` ON `academy_closed_dates` (`academy_id`,`date`);--> statement-breakpoint
CREATE TABLE `holidays` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`date` text NOT NULL,
	`name` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	CONSTRAINT "holidays_date_check" CHECK("holidays"."date" GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `holidays_date_unique` ON `holidays` (`date`);--> statement-breakpoint
CREATE TABLE `rooms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`branch_id` integer,
	`name` text NOT NULL,
	`capacity` integer NOT NULL,
	`floor` text DEFAULT '' NOT NULL,
	`step_free` integer DEFAULT false NOT NULL,
	`equipment` text DEFAULT '[]' NOT NULL,
	`opening_hours` text DEFAULT '' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "rooms_capacity_check" CHECK("rooms"."capacity" >= 1 AND "rooms"."capacity" <= 2000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rooms_academy_name_unique` ON `rooms` (`academy_id`,`name`);--> statement-breakpoint
CREATE TABLE `class_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`course_version_id` integer NOT NULL,
	`order_id` integer,
	`room_id` integer NOT NULL,
	`capacity` integer NOT NULL,
	`overflow_confirmed` integer DEFAULT false NOT NULL,
	`min_age` integer,
	`max_age` integer,
	`residents_first` integer DEFAULT false NOT NULL,
	`enrol_opens_at` integer,
	`enrol_closes_at` integer,
	`cancel_deadline_at` integer,
	`enrol_mode` text DEFAULT 'first_come' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`cancel_reason` text DEFAULT '' NOT NULL,
	`guest_teacher` text DEFAULT '' NOT NULL,
	`local_notes` text DEFAULT '' NOT NULL,
	`local_resources` text DEFAULT '[]' NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_version_id`) REFERENCES `course_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `course_orders`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "class_runs_capacity_check" CHECK("class_runs"."capacity" >= 1 AND "class_runs"."capacity" <= 2000),
	CONSTRAINT "class_runs_age_check" CHECK(("class_runs"."min_age" IS NULL OR "class_runs"."min_age" BETWEEN 0 AND 120) AND ("class_runs"."max_age" IS NULL OR "class_runs"."max_age" BETWEEN 0 AND 120) AND ("class_runs"."min_age" IS NULL OR "class_runs"."max_age" IS NULL OR "class_runs"."min_age" <= "class_runs"."max_age")),
	CONSTRAINT "class_runs_window_check" CHECK("class_runs"."enrol_opens_at" IS NULL OR "class_runs"."enrol_closes_at" IS NULL OR "class_runs"."enrol_opens_at" < "class_runs"."enrol_closes_at"),
	CONSTRAINT "class_runs_cancel_reason_check" CHECK("class_runs"."status" <> 'cancelled' OR length(trim("class_runs"."cancel_reason")) > 0)
);
--> statement-breakpoint
CREATE INDEX `class_runs_academy_idx` ON `class_runs` (`academy_id`,`status`);--> statement-breakpoint
CREATE INDEX `class_runs_status_idx` ON `class_runs` (`status`);--> statement-breakpoint
CREATE INDEX `class_runs_course_idx` ON `class_runs` (`course_id`);--> statement-breakpoint
CREATE TABLE `class_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`room_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`local_date` text NOT NULL,
	`weekday` integer NOT NULL,
	`start_minute` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`moved_from` integer,
	`note` text DEFAULT '' NOT NULL,
	`cancel_reason` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `class_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "class_sessions_order_check" CHECK("class_sessions"."ends_at" > "class_sessions"."starts_at"),
	CONSTRAINT "class_sessions_weekday_check" CHECK("class_sessions"."weekday" BETWEEN 1 AND 7),
	CONSTRAINT "class_sessions_minute_check" CHECK("class_sessions"."start_minute" BETWEEN 0 AND 1439),
	CONSTRAINT "class_sessions_cancel_reason_check" CHECK("class_sessions"."status" <> 'cancelled' OR length(trim("class_sessions"."cancel_reason")) > 0)
);
--> statement-breakpoint
CREATE INDEX `class_sessions_room_idx` ON `class_sessions` (`room_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `class_sessions_run_idx` ON `class_sessions` (`run_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `class_sessions_date_idx` ON `class_sessions` (`local_date`);--> statement-breakpoint
CREATE INDEX `class_sessions_starts_idx` ON `class_sessions` (`starts_at`);--> statement-breakpoint
CREATE TABLE `course_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`course_version_id` integer NOT NULL,
	`term` text NOT NULL,
	`preferred_weekdays` text DEFAULT '[]' NOT NULL,
	`preferred_dayparts` text DEFAULT '[]' NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`handler` text DEFAULT 'hq' NOT NULL,
	`handler_district_id` integer,
	`state` text DEFAULT 'submitted' NOT NULL,
	`teacher_id` integer,
	`decision_note` text DEFAULT '' NOT NULL,
	`decided_by` integer,
	`decided_at` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_version_id`) REFERENCES `course_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handler_district_id`) REFERENCES `districts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "course_orders_declined_reason_check" CHECK("course_orders"."state" <> 'declined' OR length(trim("course_orders"."decision_note")) > 0),
	CONSTRAINT "course_orders_teacher_check" CHECK("course_orders"."state" NOT IN ('accepted', 'scheduled') OR "course_orders"."teacher_id" IS NOT NULL),
	CONSTRAINT "course_orders_handler_check" CHECK(("course_orders"."handler" = 'hq' AND "course_orders"."handler_district_id" IS NULL) OR ("course_orders"."handler" = 'district' AND "course_orders"."handler_district_id" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `course_orders_academy_idx` ON `course_orders` (`academy_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `course_orders_state_idx` ON `course_orders` (`state`,`created_at`);--> statement-breakpoint
CREATE TABLE `course_wants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`academy_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `course_wants_user_course_unique` ON `course_wants` (`user_id`,`course_id`);--> statement-breakpoint
CREATE INDEX `course_wants_academy_idx` ON `course_wants` (`academy_id`,`course_id`);--> statement-breakpoint
CREATE INDEX `course_wants_course_idx` ON `course_wants` (`course_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`title` text NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`link` text,
	`read_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `run_teachers` (
	`run_id` integer NOT NULL,
	`teacher_id` integer NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `class_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`teacher_id`) REFERENCES `teachers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_teachers_pk` ON `run_teachers` (`run_id`,`teacher_id`);--> statement-breakpoint
CREATE INDEX `run_teachers_teacher_idx` ON `run_teachers` (`teacher_id`);