CREATE TABLE `resources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`original_name` text DEFAULT '' NOT NULL,
	`stored_name` text,
	`mime` text NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`sha256` text,
	`course_id` integer,
	`visibility` text DEFAULT 'public' NOT NULL,
	`url` text,
	`uploaded_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`uploaded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "resources_kind_payload_check" CHECK(("resources"."kind" = 'video_link' AND "resources"."url" IS NOT NULL AND "resources"."stored_name" IS NULL) OR ("resources"."kind" <> 'video_link' AND "resources"."stored_name" IS NOT NULL AND "resources"."url" IS NULL)),
	CONSTRAINT "resources_size_check" CHECK("resources"."size" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resources_stored_name_unique` ON `resources` (`stored_name`);--> statement-breakpoint
CREATE INDEX `resources_course_idx` ON `resources` (`course_id`);--> statement-breakpoint
CREATE INDEX `resources_kind_idx` ON `resources` (`kind`,`created_at`);