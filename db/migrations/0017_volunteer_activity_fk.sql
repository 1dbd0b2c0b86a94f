-- Rebuilding volunteer_signups (to give activity_id its foreign key) drops the triggers on it, and
-- renaming the new table re-checks the triggers that read it: every such trigger (the statistics
-- triggers of app/modules/stats/rollup-sql.ts) is dropped first and recreated unchanged at the end
-- (tests/unit/community-migrations.test.ts compares them with the schema before this migration).
DROP TRIGGER IF EXISTS stats_volunteer_insert;--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_volunteer_update;--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_volunteer_delete;--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_volunteer_signup_delete;--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_volunteer_signup_move;--> statement-breakpoint
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
CREATE INDEX `volunteer_signups_academy_idx` ON `volunteer_signups` (`academy_id`,`status`);--> statement-breakpoint
CREATE TRIGGER stats_volunteer_insert AFTER INSERT ON volunteer_hours FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, substr(NEW.service_date, 1, 7), a.district_id FROM academies a WHERE a.id = (SELECT academy_id FROM volunteer_signups WHERE id = NEW.signup_id)
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + 1 * NEW.minutes
  WHERE academy_id = (SELECT academy_id FROM volunteer_signups WHERE id = NEW.signup_id) AND month = substr(NEW.service_date, 1, 7);
END;
--> statement-breakpoint
CREATE TRIGGER stats_volunteer_update AFTER UPDATE OF minutes, service_date, signup_id ON volunteer_hours FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + -1 * OLD.minutes
  WHERE academy_id = (SELECT academy_id FROM volunteer_signups WHERE id = OLD.signup_id) AND month = substr(OLD.service_date, 1, 7);
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, substr(NEW.service_date, 1, 7), a.district_id FROM academies a WHERE a.id = (SELECT academy_id FROM volunteer_signups WHERE id = NEW.signup_id)
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + 1 * NEW.minutes
  WHERE academy_id = (SELECT academy_id FROM volunteer_signups WHERE id = NEW.signup_id) AND month = substr(NEW.service_date, 1, 7);
END;
--> statement-breakpoint
CREATE TRIGGER stats_volunteer_delete AFTER DELETE ON volunteer_hours FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + -1 * OLD.minutes
  WHERE academy_id = (SELECT academy_id FROM volunteer_signups WHERE id = OLD.signup_id) AND month = substr(OLD.service_date, 1, 7);
END;
--> statement-breakpoint
CREATE TRIGGER stats_volunteer_signup_delete BEFORE DELETE ON volunteer_signups FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + -1 * (SELECT coalesce(sum(h.minutes), 0) FROM volunteer_hours h
    WHERE h.signup_id = OLD.id AND substr(h.service_date, 1, 7) = stats_academy_month.month)
  WHERE academy_id = OLD.academy_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_volunteer_signup_move AFTER UPDATE OF academy_id ON volunteer_signups FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.academy_id <> NEW.academy_id BEGIN
  
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + -1 * (SELECT coalesce(sum(h.minutes), 0) FROM volunteer_hours h
    WHERE h.signup_id = OLD.id AND substr(h.service_date, 1, 7) = stats_academy_month.month)
  WHERE academy_id = OLD.academy_id;
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT DISTINCT NEW.academy_id, substr(h.service_date, 1, 7), a.district_id FROM volunteer_hours h JOIN academies a ON a.id = NEW.academy_id
  WHERE h.signup_id = NEW.id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET volunteer_minutes = volunteer_minutes + 1 * (SELECT coalesce(sum(h.minutes), 0) FROM volunteer_hours h
    WHERE h.signup_id = NEW.id AND substr(h.service_date, 1, 7) = stats_academy_month.month)
  WHERE academy_id = NEW.academy_id;
END;
