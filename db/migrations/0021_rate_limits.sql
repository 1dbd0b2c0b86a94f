CREATE TABLE `rate_limit_delays` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_at` integer NOT NULL,
	`expire` integer NOT NULL,
	CONSTRAINT "rate_limit_delays_failures_check" CHECK("rate_limit_delays"."failures" > 0)
);
--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`points` integer DEFAULT 0 NOT NULL,
	`expire` integer
);
