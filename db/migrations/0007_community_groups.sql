CREATE TABLE `course_proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`course_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`survey_id` integer,
	`title` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`notice_opens_at` integer NOT NULL,
	`notice_closes_at` integer NOT NULL,
	`threshold_percent` integer NOT NULL,
	`min_votes` integer NOT NULL,
	`status` text DEFAULT 'notice' NOT NULL,
	`support_count` integer,
	`oppose_count` integer,
	`decided_at` integer,
	`adopted_at` integer,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`course_id`) REFERENCES `courses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`version_id`) REFERENCES `course_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`survey_id`) REFERENCES `needs_surveys`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "course_proposals_window_check" CHECK("course_proposals"."notice_closes_at" > "course_proposals"."notice_opens_at"),
	CONSTRAINT "course_proposals_threshold_check" CHECK("course_proposals"."threshold_percent" BETWEEN 1 AND 100),
	CONSTRAINT "course_proposals_min_votes_check" CHECK("course_proposals"."min_votes" >= 0)
);
--> statement-breakpoint
CREATE INDEX `course_proposals_academy_idx` ON `course_proposals` (`academy_id`,`id`);--> statement-breakpoint
CREATE INDEX `course_proposals_due_idx` ON `course_proposals` (`status`,`notice_closes_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `course_proposals_live_course_unique` ON `course_proposals` (`course_id`) WHERE status = 'notice';--> statement-breakpoint
CREATE TABLE `meeting_addenda` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`meeting_id` integer NOT NULL,
	`body` text NOT NULL,
	`body_html` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `meeting_addenda_meeting_idx` ON `meeting_addenda` (`meeting_id`,`id`);--> statement-breakpoint
CREATE TABLE `meeting_participants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`meeting_id` integer NOT NULL,
	`user_id` integer,
	`name` text NOT NULL,
	`invited` integer DEFAULT true NOT NULL,
	`present` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_participants_user_unique` ON `meeting_participants` (`meeting_id`,`user_id`) WHERE user_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `meeting_participants_guest_unique` ON `meeting_participants` (`meeting_id`,`name`) WHERE user_id IS NULL;--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`topic_id` integer NOT NULL,
	`kind` text NOT NULL,
	`starts_at` integer NOT NULL,
	`room_id` integer,
	`place` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`minutes` text,
	`minutes_html` text DEFAULT '' NOT NULL,
	`minutes_text` text DEFAULT '' NOT NULL,
	`minutes_updated_at` integer,
	`closed_at` integer,
	`closed_by` integer,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`topic_id`) REFERENCES `topics`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "meetings_closed_check" CHECK("meetings"."status" <> 'closed' OR "meetings"."closed_at" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `meetings_topic_idx` ON `meetings` (`topic_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `needs_surveys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`title` text NOT NULL,
	`intro` text DEFAULT '' NOT NULL,
	`questions` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `needs_surveys_academy_idx` ON `needs_surveys` (`academy_id`,`id`);--> statement-breakpoint
CREATE TABLE `organisation_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`status` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`applied_at` integer NOT NULL,
	`decided_at` integer,
	`decided_by` integer,
	`left_at` integer,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`decided_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisation_members_live_unique` ON `organisation_members` (`organisation_id`,`user_id`) WHERE status IN ('pending', 'active');--> statement-breakpoint
CREATE INDEX `organisation_members_user_idx` ON `organisation_members` (`user_id`,`status`);--> statement-breakpoint
CREATE INDEX `organisation_members_org_idx` ON `organisation_members` (`organisation_id`,`status`);--> statement-breakpoint
CREATE TABLE `organisation_stage_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`organisation_id` integer NOT NULL,
	`from_stage` text,
	`to_stage` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`changed_by` integer,
	`changed_at` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`changed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `organisation_stage_changes_org_idx` ON `organisation_stage_changes` (`organisation_id`,`changed_at`);--> statement-breakpoint
CREATE TABLE `organisations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`leader_id` integer NOT NULL,
	`stage` text DEFAULT 'preparing' NOT NULL,
	`stage_changed_at` integer NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`leader_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "organisations_name_check" CHECK(length(trim("organisations"."name")) > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_academy_name_unique` ON `organisations` (`academy_id`,`name`);--> statement-breakpoint
CREATE INDEX `organisations_stage_idx` ON `organisations` (`stage`,`academy_id`);--> statement-breakpoint
CREATE TABLE `proposal_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`proposal_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`proposal_id`) REFERENCES `course_proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "proposal_comments_body_check" CHECK(length(trim("proposal_comments"."body")) BETWEEN 1 AND 500)
);
--> statement-breakpoint
CREATE INDEX `proposal_comments_proposal_idx` ON `proposal_comments` (`proposal_id`,`id`);--> statement-breakpoint
CREATE TABLE `proposal_votes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`proposal_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`choice` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`proposal_id`) REFERENCES `course_proposals`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proposal_votes_unique` ON `proposal_votes` (`proposal_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`answers` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `needs_surveys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_responses_unique` ON `survey_responses` (`survey_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `topic_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`topic_id` integer NOT NULL,
	`meeting_id` integer,
	`title` text NOT NULL,
	`owner` text NOT NULL,
	`due_date` text NOT NULL,
	`status` text DEFAULT 'todo' NOT NULL,
	`progress` text DEFAULT '' NOT NULL,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`topic_id`) REFERENCES `topics`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "topic_tasks_due_check" CHECK("topic_tasks"."due_date" GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
	CONSTRAINT "topic_tasks_closed_check" CHECK("topic_tasks"."status" <> 'done' OR "topic_tasks"."closed_at" IS NOT NULL)
);
--> statement-breakpoint
CREATE INDEX `topic_tasks_topic_idx` ON `topic_tasks` (`topic_id`,`id`);--> statement-breakpoint
CREATE TABLE `topics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`academy_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`raised_by` integer,
	`raised_by_manager` integer DEFAULT false NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`status` text NOT NULL,
	`close_reason` text DEFAULT '' NOT NULL,
	`outcome` text DEFAULT '' NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`academy_id`) REFERENCES `academies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`raised_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "topics_close_reason_check" CHECK("topics"."status" <> 'closed' OR length(trim("topics"."close_reason")) > 0),
	CONSTRAINT "topics_title_check" CHECK(length(trim("topics"."title")) > 0)
);
--> statement-breakpoint
CREATE INDEX `topics_academy_idx` ON `topics` (`academy_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `volunteer_hours` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`signup_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`service_date` text NOT NULL,
	`minutes` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`confirmed_by` integer,
	`confirmed_at` integer NOT NULL,
	FOREIGN KEY (`signup_id`) REFERENCES `volunteer_signups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`confirmed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "volunteer_hours_minutes_check" CHECK("volunteer_hours"."minutes" BETWEEN 1 AND 1440),
	CONSTRAINT "volunteer_hours_date_check" CHECK("volunteer_hours"."service_date" GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')
);
--> statement-breakpoint
CREATE INDEX `volunteer_hours_user_idx` ON `volunteer_hours` (`user_id`);--> statement-breakpoint
CREATE INDEX `volunteer_hours_signup_idx` ON `volunteer_hours` (`signup_id`);--> statement-breakpoint
CREATE TABLE `volunteer_signups` (
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
	CONSTRAINT "volunteer_signups_target_check" CHECK("volunteer_signups"."organisation_id" IS NOT NULL OR "volunteer_signups"."activity_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `volunteer_signups_org_unique` ON `volunteer_signups` (`user_id`,`organisation_id`) WHERE organisation_id IS NOT NULL AND status <> 'cancelled';--> statement-breakpoint
CREATE UNIQUE INDEX `volunteer_signups_activity_unique` ON `volunteer_signups` (`user_id`,`activity_id`) WHERE activity_id IS NOT NULL AND status <> 'cancelled';--> statement-breakpoint
CREATE INDEX `volunteer_signups_academy_idx` ON `volunteer_signups` (`academy_id`,`status`);