CREATE TABLE `stats_activity` (
	`activity_id` integer PRIMARY KEY NOT NULL,
	`academy_id` integer NOT NULL,
	`district_id` integer NOT NULL,
	`month` text NOT NULL,
	`starts_at` integer NOT NULL,
	`cancelled` integer DEFAULT 0 NOT NULL,
	`headcount` integer DEFAULT 0 NOT NULL,
	`identified` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stats_activity_month_idx` ON `stats_activity` (`month`,`district_id`,`academy_id`);--> statement-breakpoint
CREATE INDEX `stats_activity_academy_idx` ON `stats_activity` (`academy_id`,`month`);--> statement-breakpoint
CREATE TABLE `stats_person_month` (
	`academy_id` integer NOT NULL,
	`month` text NOT NULL,
	`person_key` integer NOT NULL,
	`district_id` integer NOT NULL,
	`refs` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`academy_id`, `month`, `person_key`)
);
--> statement-breakpoint
CREATE INDEX `stats_person_month_district_idx` ON `stats_person_month` (`district_id`,`month`,`person_key`);--> statement-breakpoint
CREATE INDEX `stats_person_month_month_idx` ON `stats_person_month` (`month`,`person_key`);--> statement-breakpoint
CREATE TABLE `stats_run_month` (
	`run_id` integer NOT NULL,
	`month` text NOT NULL,
	`academy_id` integer NOT NULL,
	`district_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`category_id` integer NOT NULL,
	`run_cancelled` integer DEFAULT 0 NOT NULL,
	`sessions` integer DEFAULT 0 NOT NULL,
	`session_minutes` integer DEFAULT 0 NOT NULL,
	`teacher_minutes` integer DEFAULT 0 NOT NULL,
	`attendances` integer DEFAULT 0 NOT NULL,
	`absences` integer DEFAULT 0 NOT NULL,
	`ratings_sum` integer DEFAULT 0 NOT NULL,
	`ratings_n` integer DEFAULT 0 NOT NULL,
	`waitlisted` integer DEFAULT 0 NOT NULL,
	`promoted` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`run_id`, `month`)
);
--> statement-breakpoint
CREATE INDEX `stats_run_month_month_idx` ON `stats_run_month` (`month`,`district_id`,`academy_id`);--> statement-breakpoint
CREATE INDEX `stats_run_month_academy_idx` ON `stats_run_month` (`academy_id`,`month`);--> statement-breakpoint
CREATE TABLE `stats_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text DEFAULT '' NOT NULL
);
