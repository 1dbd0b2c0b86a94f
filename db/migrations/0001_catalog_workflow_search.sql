CREATE TABLE `catalog_imports` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`hash` text NOT NULL,
	`imported_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `catalog_imports_pk` ON `catalog_imports` (`kind`,`key`);--> statement-breakpoint
CREATE TABLE `course_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`course_id` integer NOT NULL,
	`version_id` integer,
	`version_no` integer,
	`actor_id` integer,
	`action` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `course_versions`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `course_events_course_idx` ON `course_events` (`course_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `course_search` (
	`course_id` integer PRIMARY KEY NOT NULL,
	`version_id` integer NOT NULL,
	`code` text NOT NULL,
	`category_id` integer NOT NULL,
	`source_level` text NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`tags` text NOT NULL,
	`audience` text NOT NULL,
	`sessions` integer NOT NULL,
	`minutes_per_session` integer NOT NULL,
	`published_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `course_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `course_search_recent_idx` ON `course_search` (`published_at`,`code`);--> statement-breakpoint
CREATE INDEX `course_search_category_idx` ON `course_search` (`category_id`,`published_at`);--> statement-breakpoint
CREATE INDEX `course_search_level_idx` ON `course_search` (`source_level`);--> statement-breakpoint
CREATE UNIQUE INDEX `course_versions_one_working` ON `course_versions` (`course_id`) WHERE status in ('draft', 'review');--> statement-breakpoint
CREATE UNIQUE INDEX `course_versions_one_published` ON `course_versions` (`course_id`) WHERE status = 'published';