CREATE TABLE `stats_academy_month` (
	`academy_id` integer NOT NULL,
	`month` text NOT NULL,
	`district_id` integer NOT NULL,
	`sessions` integer DEFAULT 0 NOT NULL,
	`teacher_minutes` integer DEFAULT 0 NOT NULL,
	`attendances` integer DEFAULT 0 NOT NULL,
	`absences` integer DEFAULT 0 NOT NULL,
	`ratings_sum` integer DEFAULT 0 NOT NULL,
	`ratings_n` integer DEFAULT 0 NOT NULL,
	`waitlisted` integer DEFAULT 0 NOT NULL,
	`promoted` integer DEFAULT 0 NOT NULL,
	`activities` integer DEFAULT 0 NOT NULL,
	`activity_participations` integer DEFAULT 0 NOT NULL,
	`volunteer_minutes` integer DEFAULT 0 NOT NULL,
	`activity_waitlisted` integer DEFAULT 0 NOT NULL,
	`activity_promoted` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`academy_id`, `month`)
);
--> statement-breakpoint
CREATE INDEX `stats_academy_month_month_idx` ON `stats_academy_month` (`month`,`district_id`);--> statement-breakpoint
CREATE TABLE `stats_reach` (
	`level` integer NOT NULL,
	`entity` integer NOT NULL,
	`month` text NOT NULL,
	`prev` text NOT NULL,
	`district_id` integer NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`level`, `entity`, `month`, `prev`)
);
--> statement-breakpoint
CREATE INDEX `stats_reach_month_idx` ON `stats_reach` (`level`,`month`,`district_id`);--> statement-breakpoint
DROP INDEX `stats_person_month_month_idx`;--> statement-breakpoint
CREATE INDEX `stats_person_month_person_idx` ON `stats_person_month` (`person_key`,`month`);