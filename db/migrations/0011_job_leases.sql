CREATE TABLE `job_leases` (
	`name` text PRIMARY KEY NOT NULL,
	`owner` text,
	`lease_until` integer DEFAULT 0 NOT NULL,
	`last_slot` integer,
	`last_started_at` integer,
	`last_finished_at` integer,
	`last_status` text,
	`last_error` text,
	`last_duration_ms` integer,
	`last_result` text,
	`runs` integer DEFAULT 0 NOT NULL
);
