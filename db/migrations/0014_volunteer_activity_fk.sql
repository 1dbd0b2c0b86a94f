PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_volunteer_signups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`academy_id` integer NOT NULL,
	`organisation_id` integer,
	`activity_id` integer,
	`note` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'applied' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`activity_id`) REFERENCES `activities`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "volunteer_signups_target_check" CHECK("__new_volunteer_signups"."organisation_id" IS NOT NULL OR "__new_volunteer_signups"."activity_id" IS NOT NULL)
);
--> statement-breakpoint
INSERT INTO `__new_volunteer_signups`("id", "user_id", "academy_id", "organisation_id", "activity_id", "note", "status", "created_at") SELECT "id", "user_id", "academy_id", "organisation_id", "activity_id", "note", "status", "created_at" FROM `volunteer_signups`;--> statement-breakpoint
DROP TABLE `volunteer_signups`;--> statement-breakpoint
ALTER TABLE `__new_volunteer_signups` RENAME TO `volunteer_signups`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `volunteer_signups_org_unique` ON `volunteer_signups` (`user_id`,`organisation_id`) WHERE organisation_id IS NOT NULL AND status <> 'cancelled';--> statement-breakpoint
CREATE UNIQUE INDEX `volunteer_signups_activity_unique` ON `volunteer_signups` (`user_id`,`activity_id`) WHERE activity_id IS NOT NULL AND status <> 'cancelled';--> statement-breakpoint
CREATE INDEX `volunteer_signups_academy_idx` ON `volunteer_signups` (`academy_id`,`status`);