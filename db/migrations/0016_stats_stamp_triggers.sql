INSERT INTO stats_state (key, value) VALUES ('version_current', '0') ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_run_month_insert;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_run_month_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_run_month_delete;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_person_month_insert;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_person_month_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_person_month_delete;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_activity_insert;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_activity_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_activity_delete;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_academy_month_insert;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_academy_month_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_academy_month_delete;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_insert AFTER INSERT ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_update AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_delete AFTER DELETE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_insert AFTER INSERT ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_update AFTER UPDATE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_delete AFTER DELETE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_insert AFTER INSERT ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_update AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_delete AFTER DELETE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_insert AFTER INSERT ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_update AFTER UPDATE ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_delete AFTER DELETE ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
