INSERT INTO stats_state (key, value) VALUES ('version', '0') ON CONFLICT (key) DO NOTHING;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_insert AFTER INSERT ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, NEW.month, a.district_id FROM academies a WHERE a.id = NEW.academy_id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    sessions = sessions + 1 * NEW.sessions * (NEW.run_cancelled = 0),
    teacher_minutes = teacher_minutes + 1 * NEW.teacher_minutes * (NEW.run_cancelled = 0),
    attendances = attendances + 1 * NEW.attendances, absences = absences + 1 * NEW.absences,
    ratings_sum = ratings_sum + 1 * NEW.ratings_sum, ratings_n = ratings_n + 1 * NEW.ratings_n,
    waitlisted = waitlisted + 1 * NEW.waitlisted, promoted = promoted + 1 * NEW.promoted
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_update AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, NEW.month, a.district_id FROM academies a WHERE a.id = NEW.academy_id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    sessions = sessions + -1 * OLD.sessions * (OLD.run_cancelled = 0),
    teacher_minutes = teacher_minutes + -1 * OLD.teacher_minutes * (OLD.run_cancelled = 0),
    attendances = attendances + -1 * OLD.attendances, absences = absences + -1 * OLD.absences,
    ratings_sum = ratings_sum + -1 * OLD.ratings_sum, ratings_n = ratings_n + -1 * OLD.ratings_n,
    waitlisted = waitlisted + -1 * OLD.waitlisted, promoted = promoted + -1 * OLD.promoted
  WHERE academy_id = OLD.academy_id AND month = OLD.month;
  UPDATE stats_academy_month SET
    sessions = sessions + 1 * NEW.sessions * (NEW.run_cancelled = 0),
    teacher_minutes = teacher_minutes + 1 * NEW.teacher_minutes * (NEW.run_cancelled = 0),
    attendances = attendances + 1 * NEW.attendances, absences = absences + 1 * NEW.absences,
    ratings_sum = ratings_sum + 1 * NEW.ratings_sum, ratings_n = ratings_n + 1 * NEW.ratings_n,
    waitlisted = waitlisted + 1 * NEW.waitlisted, promoted = promoted + 1 * NEW.promoted
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_delete AFTER DELETE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET
    sessions = sessions + -1 * OLD.sessions * (OLD.run_cancelled = 0),
    teacher_minutes = teacher_minutes + -1 * OLD.teacher_minutes * (OLD.run_cancelled = 0),
    attendances = attendances + -1 * OLD.attendances, absences = absences + -1 * OLD.absences,
    ratings_sum = ratings_sum + -1 * OLD.ratings_sum, ratings_n = ratings_n + -1 * OLD.ratings_n,
    waitlisted = waitlisted + -1 * OLD.waitlisted, promoted = promoted + -1 * OLD.promoted
  WHERE academy_id = OLD.academy_id AND month = OLD.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_activity_insert AFTER INSERT ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, NEW.month, a.district_id FROM academies a WHERE a.id = NEW.academy_id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    activities = activities + 1 * (NEW.cancelled = 0),
    activity_participations = activity_participations + 1 * (NEW.cancelled = 0) * max(NEW.headcount, NEW.identified)
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_activity_update AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
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
CREATE TRIGGER stats_academy_activity_delete AFTER DELETE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET
    activities = activities + -1 * (OLD.cancelled = 0),
    activity_participations = activity_participations + -1 * (OLD.cancelled = 0) * max(OLD.headcount, OLD.identified)
  WHERE academy_id = OLD.academy_id AND month = OLD.month;
END;
--> statement-breakpoint
CREATE TRIGGER stats_reach_insert AFTER INSERT ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 0, 0, CASE k.k WHEN 1 THEN NEW.month ELSE v.n END, CASE k.k WHEN 3 THEN NEW.month ELSE v.p END, 0,
    CASE k.k WHEN 2 THEN -1 ELSE 1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month < NEW.month), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month > NEW.month) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE (SELECT count(*) FROM stats_person_month WHERE person_key = NEW.person_key AND month = NEW.month) = 1
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 0 AND entity = 0 AND month >= NEW.month AND n = 0;
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 1, NEW.district_id, CASE k.k WHEN 1 THEN NEW.month ELSE v.n END, CASE k.k WHEN 3 THEN NEW.month ELSE v.p END, NEW.district_id,
    CASE k.k WHEN 2 THEN -1 ELSE 1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month < NEW.month AND district_id = NEW.district_id), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month > NEW.month AND district_id = NEW.district_id) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE (SELECT count(*) FROM stats_person_month WHERE person_key = NEW.person_key AND month = NEW.month AND district_id = NEW.district_id) = 1
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 1 AND entity = NEW.district_id AND month >= NEW.month AND n = 0;
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 2, NEW.academy_id, CASE k.k WHEN 1 THEN NEW.month ELSE v.n END, CASE k.k WHEN 3 THEN NEW.month ELSE v.p END, NEW.district_id,
    CASE k.k WHEN 2 THEN -1 ELSE 1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month < NEW.month AND academy_id = NEW.academy_id), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month > NEW.month AND academy_id = NEW.academy_id) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE (SELECT count(*) FROM stats_person_month WHERE person_key = NEW.person_key AND month = NEW.month AND academy_id = NEW.academy_id) = 1
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 2 AND entity = NEW.academy_id AND month >= NEW.month AND n = 0;
END;
--> statement-breakpoint
CREATE TRIGGER stats_reach_delete AFTER DELETE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 0, 0, CASE k.k WHEN 1 THEN OLD.month ELSE v.n END, CASE k.k WHEN 3 THEN OLD.month ELSE v.p END, 0,
    CASE k.k WHEN 2 THEN 1 ELSE -1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month < OLD.month), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month > OLD.month) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE NOT EXISTS (SELECT 1 FROM stats_person_month WHERE person_key = OLD.person_key AND month = OLD.month)
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 0 AND entity = 0 AND month >= OLD.month AND n = 0;
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 1, OLD.district_id, CASE k.k WHEN 1 THEN OLD.month ELSE v.n END, CASE k.k WHEN 3 THEN OLD.month ELSE v.p END, OLD.district_id,
    CASE k.k WHEN 2 THEN 1 ELSE -1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month < OLD.month AND district_id = OLD.district_id), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month > OLD.month AND district_id = OLD.district_id) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE NOT EXISTS (SELECT 1 FROM stats_person_month WHERE person_key = OLD.person_key AND month = OLD.month AND district_id = OLD.district_id)
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 1 AND entity = OLD.district_id AND month >= OLD.month AND n = 0;
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 2, OLD.academy_id, CASE k.k WHEN 1 THEN OLD.month ELSE v.n END, CASE k.k WHEN 3 THEN OLD.month ELSE v.p END, OLD.district_id,
    CASE k.k WHEN 2 THEN 1 ELSE -1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month < OLD.month AND academy_id = OLD.academy_id), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month > OLD.month AND academy_id = OLD.academy_id) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE NOT EXISTS (SELECT 1 FROM stats_person_month WHERE person_key = OLD.person_key AND month = OLD.month AND academy_id = OLD.academy_id)
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 2 AND entity = OLD.academy_id AND month >= OLD.month AND n = 0;
END;
--> statement-breakpoint
CREATE TRIGGER stats_reach_district AFTER UPDATE OF district_id ON stats_person_month FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.district_id <> NEW.district_id BEGIN
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 1, OLD.district_id, CASE k.k WHEN 1 THEN OLD.month ELSE v.n END, CASE k.k WHEN 3 THEN OLD.month ELSE v.p END, OLD.district_id,
    CASE k.k WHEN 2 THEN 1 ELSE -1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month < OLD.month AND district_id = OLD.district_id), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = OLD.person_key AND month > OLD.month AND district_id = OLD.district_id) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE NOT EXISTS (SELECT 1 FROM stats_person_month WHERE person_key = OLD.person_key AND month = OLD.month AND district_id = OLD.district_id)
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 1 AND entity = OLD.district_id AND month >= OLD.month AND n = 0;
  INSERT INTO stats_reach (level, entity, month, prev, district_id, n)
  SELECT 1, NEW.district_id, CASE k.k WHEN 1 THEN NEW.month ELSE v.n END, CASE k.k WHEN 3 THEN NEW.month ELSE v.p END, NEW.district_id,
    CASE k.k WHEN 2 THEN -1 ELSE 1 END
  FROM (SELECT coalesce((SELECT max(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month < NEW.month AND district_id = NEW.district_id), '') p,
               (SELECT min(month) FROM stats_person_month WHERE person_key = NEW.person_key AND month > NEW.month AND district_id = NEW.district_id) n) v
    JOIN (SELECT 1 k UNION ALL SELECT 2 UNION ALL SELECT 3) k ON k.k = 1 OR v.n IS NOT NULL
  WHERE (SELECT count(*) FROM stats_person_month WHERE person_key = NEW.person_key AND month = NEW.month AND district_id = NEW.district_id) = 1
  ON CONFLICT (level, entity, month, prev) DO UPDATE SET n = n + excluded.n;
  DELETE FROM stats_reach WHERE level = 1 AND entity = NEW.district_id AND month >= NEW.month AND n = 0;
  UPDATE stats_reach SET district_id = NEW.district_id WHERE level = 2 AND entity = NEW.academy_id;
END;
--> statement-breakpoint
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
--> statement-breakpoint
CREATE TRIGGER stats_activity_waitlist_insert AFTER INSERT ON activity_registrations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch'), a.district_id FROM academies a WHERE a.id = (SELECT academy_id FROM activities WHERE id = NEW.activity_id)
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + 1 * (NEW.queue_key IS NOT NULL OR NEW.promoted_at IS NOT NULL),
    activity_promoted = activity_promoted + 1 * (NEW.promoted_at IS NOT NULL)
  WHERE academy_id = (SELECT academy_id FROM activities WHERE id = NEW.activity_id) AND month = strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_waitlist_update AFTER UPDATE OF queue_key, promoted_at, created_at, activity_id ON activity_registrations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + -1 * (OLD.queue_key IS NOT NULL OR OLD.promoted_at IS NOT NULL),
    activity_promoted = activity_promoted + -1 * (OLD.promoted_at IS NOT NULL)
  WHERE academy_id = (SELECT academy_id FROM activities WHERE id = OLD.activity_id) AND month = strftime('%Y-%m', OLD.created_at / 1000 + 28800, 'unixepoch');
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch'), a.district_id FROM academies a WHERE a.id = (SELECT academy_id FROM activities WHERE id = NEW.activity_id)
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + 1 * (NEW.queue_key IS NOT NULL OR NEW.promoted_at IS NOT NULL),
    activity_promoted = activity_promoted + 1 * (NEW.promoted_at IS NOT NULL)
  WHERE academy_id = (SELECT academy_id FROM activities WHERE id = NEW.activity_id) AND month = strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_waitlist_delete AFTER DELETE ON activity_registrations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + -1 * (OLD.queue_key IS NOT NULL OR OLD.promoted_at IS NOT NULL),
    activity_promoted = activity_promoted + -1 * (OLD.promoted_at IS NOT NULL)
  WHERE academy_id = (SELECT academy_id FROM activities WHERE id = OLD.activity_id) AND month = strftime('%Y-%m', OLD.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_waitlist_gone BEFORE DELETE ON activities FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + -1 * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = OLD.id
      AND (g.queue_key IS NOT NULL OR g.promoted_at IS NOT NULL) AND strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch') = stats_academy_month.month),
    activity_promoted = activity_promoted + -1 * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = OLD.id
      AND g.promoted_at IS NOT NULL AND strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch') = stats_academy_month.month)
  WHERE academy_id = OLD.academy_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_waitlist_move AFTER UPDATE OF academy_id ON activities FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND OLD.academy_id <> NEW.academy_id BEGIN
  
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + -1 * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = OLD.id
      AND (g.queue_key IS NOT NULL OR g.promoted_at IS NOT NULL) AND strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch') = stats_academy_month.month),
    activity_promoted = activity_promoted + -1 * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = OLD.id
      AND g.promoted_at IS NOT NULL AND strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch') = stats_academy_month.month)
  WHERE academy_id = OLD.academy_id;
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT DISTINCT NEW.academy_id, strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch'), a.district_id FROM activity_registrations g JOIN academies a ON a.id = NEW.academy_id
  WHERE g.activity_id = NEW.id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    activity_waitlisted = activity_waitlisted + 1 * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = NEW.id
      AND (g.queue_key IS NOT NULL OR g.promoted_at IS NOT NULL) AND strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch') = stats_academy_month.month),
    activity_promoted = activity_promoted + 1 * (SELECT count(*) FROM activity_registrations g WHERE g.activity_id = NEW.id
      AND g.promoted_at IS NOT NULL AND strftime('%Y-%m', g.created_at / 1000 + 28800, 'unixepoch') = stats_academy_month.month)
  WHERE academy_id = NEW.academy_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_month_district AFTER UPDATE OF district_id ON academies FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET district_id = NEW.district_id WHERE academy_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_insert AFTER INSERT ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_update AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_run_month_delete AFTER DELETE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_insert AFTER INSERT ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_update AFTER UPDATE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_person_month_delete AFTER DELETE ON stats_person_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_insert AFTER INSERT ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_update AFTER UPDATE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_activity_delete AFTER DELETE ON stats_activity FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_insert AFTER INSERT ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_update AFTER UPDATE ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_month_delete AFTER DELETE ON stats_academy_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_insert AFTER INSERT ON academies FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_update AFTER UPDATE OF population, district_id ON academies FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
--> statement-breakpoint
CREATE TRIGGER stats_stamp_academy_delete AFTER DELETE ON academies FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_state SET value = value + 1 WHERE key = 'version';
END;
