DROP TRIGGER IF EXISTS stats_academy_run_update;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_update AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.academy_id = NEW.academy_id AND OLD.month = NEW.month BEGIN
  UPDATE stats_academy_month SET
    sessions = sessions + NEW.sessions * (NEW.run_cancelled = 0) - OLD.sessions * (OLD.run_cancelled = 0),
    teacher_minutes = teacher_minutes + NEW.teacher_minutes * (NEW.run_cancelled = 0) - OLD.teacher_minutes * (OLD.run_cancelled = 0),
    attendances = attendances + NEW.attendances - OLD.attendances, absences = absences + NEW.absences - OLD.absences, excused = excused + NEW.excused - OLD.excused, ratings_sum = ratings_sum + NEW.ratings_sum - OLD.ratings_sum, ratings_n = ratings_n + NEW.ratings_n - OLD.ratings_n, waitlisted = waitlisted + NEW.waitlisted - OLD.waitlisted, promoted = promoted + NEW.promoted - OLD.promoted
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_move AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND (OLD.academy_id <> NEW.academy_id OR OLD.month <> NEW.month) BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, NEW.month, a.district_id FROM academies a WHERE a.id = NEW.academy_id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    sessions = sessions + -1 * OLD.sessions * (OLD.run_cancelled = 0),
    teacher_minutes = teacher_minutes + -1 * OLD.teacher_minutes * (OLD.run_cancelled = 0),
    attendances = attendances + -1 * OLD.attendances, absences = absences + -1 * OLD.absences, excused = excused + -1 * OLD.excused,
    ratings_sum = ratings_sum + -1 * OLD.ratings_sum, ratings_n = ratings_n + -1 * OLD.ratings_n,
    waitlisted = waitlisted + -1 * OLD.waitlisted, promoted = promoted + -1 * OLD.promoted
  WHERE academy_id = OLD.academy_id AND month = OLD.month;
  UPDATE stats_academy_month SET
    sessions = sessions + 1 * NEW.sessions * (NEW.run_cancelled = 0),
    teacher_minutes = teacher_minutes + 1 * NEW.teacher_minutes * (NEW.run_cancelled = 0),
    attendances = attendances + 1 * NEW.attendances, absences = absences + 1 * NEW.absences, excused = excused + 1 * NEW.excused,
    ratings_sum = ratings_sum + 1 * NEW.ratings_sum, ratings_n = ratings_n + 1 * NEW.ratings_n,
    waitlisted = waitlisted + 1 * NEW.waitlisted, promoted = promoted + 1 * NEW.promoted
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_academy_activity_update;
--> statement-breakpoint
CREATE TRIGGER stats_academy_activity_update AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.academy_id = NEW.academy_id AND OLD.month = NEW.month BEGIN
  UPDATE stats_academy_month SET
    activities = activities + (NEW.cancelled = 0) - (OLD.cancelled = 0),
    activity_participations = activity_participations + (NEW.cancelled = 0) * max(NEW.headcount, NEW.identified) - (OLD.cancelled = 0) * max(OLD.headcount, OLD.identified)
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_activity_move AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND (OLD.academy_id <> NEW.academy_id OR OLD.month <> NEW.month) BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, NEW.month, a.district_id FROM academies a WHERE a.id = NEW.academy_id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    activities = activities + -1 * (OLD.cancelled = 0),
    activity_participations = activity_participations + -1 * (OLD.cancelled = 0) * max(OLD.headcount, OLD.identified)
  WHERE academy_id = OLD.academy_id AND month = OLD.month;
  UPDATE stats_academy_month SET
    activities = activities + 1 * (NEW.cancelled = 0),
    activity_participations = activity_participations + 1 * (NEW.cancelled = 0) * max(NEW.headcount, NEW.identified)
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_run_month_update;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_update AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month = NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_move AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month <> NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_person_month_update;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_update AFTER UPDATE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month = NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_move AFTER UPDATE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month <> NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_activity_update;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_update AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month = NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_move AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month <> NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_stamp_academy_month_update;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_update AFTER UPDATE ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month = NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_move AFTER UPDATE ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.month <> NEW.month BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN OLD.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
  UPDATE stats_state SET value = value + 1 WHERE key = CASE WHEN NEW.month = strftime('%Y-%m', 'now', '+8 hours') THEN 'version_current' ELSE 'version' END;
END;
