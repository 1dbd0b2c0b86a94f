CREATE TABLE `change_topics` (
	`topic` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
