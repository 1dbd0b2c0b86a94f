ALTER TABLE `attendance` ADD `excused` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `attendance` ADD `note` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `stats_academy_month` ADD `excused` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stats_run_month` ADD `excused` integer DEFAULT 0 NOT NULL;