DROP TRIGGER IF EXISTS stats_session_move_month;
--> statement-breakpoint
CREATE TRIGGER stats_session_move_month AFTER UPDATE OF local_date, run_id ON class_sessions FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND (substr(OLD.local_date, 1, 7) <> substr(NEW.local_date, 1, 7) OR OLD.run_id <> NEW.run_id) BEGIN
  
  UPDATE stats_run_month SET
    attendances = attendances + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 1),
    absences = absences + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 0 AND t.excused = 0),
    excused = excused + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.excused = 1)
  WHERE run_id = OLD.run_id AND month = substr(OLD.local_date, 1, 7);
  UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id
    WHERE t.session_id = OLD.id AND t.present = 1 AND (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) = stats_person_month.person_key)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND month = substr(OLD.local_date, 1, 7);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND month = substr(OLD.local_date, 1, 7);
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(NEW.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_runs r JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = NEW.run_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET
    attendances = attendances + 1 * (SELECT count(*) FROM attendance t WHERE t.session_id = NEW.id AND t.present = 1),
    absences = absences + 1 * (SELECT count(*) FROM attendance t WHERE t.session_id = NEW.id AND t.present = 0 AND t.excused = 0),
    excused = excused + 1 * (SELECT count(*) FROM attendance t WHERE t.session_id = NEW.id AND t.excused = 1)
  WHERE run_id = NEW.run_id AND month = substr(NEW.local_date, 1, 7);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(NEW.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END), a.district_id, count(*)
  FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id JOIN class_runs r ON r.id = NEW.run_id JOIN academies a ON a.id = r.academy_id
  WHERE t.session_id = NEW.id AND t.present = 1
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + excluded.refs;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_session_delete;
--> statement-breakpoint
CREATE TRIGGER stats_session_delete BEFORE DELETE ON class_sessions FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET
    sessions = sessions + -1 * (OLD.status = 'scheduled'),
    session_minutes = session_minutes + -1 * (OLD.status = 'scheduled') * ((OLD.ends_at - OLD.starts_at) / 60000),
    teacher_minutes = teacher_minutes + -1 * (OLD.status = 'scheduled') * ((OLD.ends_at - OLD.starts_at) / 60000) * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = OLD.run_id)
  WHERE run_id = OLD.run_id AND month = substr(OLD.local_date, 1, 7) AND EXISTS (SELECT 1 FROM class_runs WHERE id = OLD.run_id);
  
  UPDATE stats_run_month SET
    attendances = attendances + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 1),
    absences = absences + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 0 AND t.excused = 0),
    excused = excused + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.excused = 1)
  WHERE run_id = OLD.run_id AND month = substr(OLD.local_date, 1, 7);
  UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id
    WHERE t.session_id = OLD.id AND t.present = 1 AND (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) = stats_person_month.person_key)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND month = substr(OLD.local_date, 1, 7);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND month = substr(OLD.local_date, 1, 7);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_attendance_insert;
--> statement-breakpoint
CREATE TRIGGER stats_attendance_insert AFTER INSERT ON attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(s2.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE s2.id = NEW.session_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET attendances = attendances + 1 * (NEW.present = 1), absences = absences + 1 * (NEW.present = 0 AND NEW.excused = 0), excused = excused + 1 * (NEW.excused = 1)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = NEW.session_id);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END), a.district_id, 1
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id
  WHERE s2.id = NEW.session_id AND NEW.present = 1
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_attendance_update;
--> statement-breakpoint
CREATE TRIGGER stats_attendance_update AFTER UPDATE OF present, excused, session_id, enrollment_id ON attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET attendances = attendances + -1 * (OLD.present = 1), absences = absences + -1 * (OLD.present = 0 AND OLD.excused = 0), excused = excused + -1 * (OLD.excused = 1)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  UPDATE stats_person_month SET refs = refs - 1
  WHERE OLD.present = 1 AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(s2.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE s2.id = NEW.session_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET attendances = attendances + 1 * (NEW.present = 1), absences = absences + 1 * (NEW.present = 0 AND NEW.excused = 0), excused = excused + 1 * (NEW.excused = 1)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = NEW.session_id);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END), a.district_id, 1
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id
  WHERE s2.id = NEW.session_id AND NEW.present = 1
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_attendance_delete;
--> statement-breakpoint
CREATE TRIGGER stats_attendance_delete AFTER DELETE ON attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET attendances = attendances + -1 * (OLD.present = 1), absences = absences + -1 * (OLD.present = 0 AND OLD.excused = 0), excused = excused + -1 * (OLD.excused = 1)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  UPDATE stats_person_month SET refs = refs - 1
  WHERE OLD.present = 1 AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_enrollment_delete;
--> statement-breakpoint
CREATE TRIGGER stats_enrollment_delete BEFORE DELETE ON enrollments FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET
    waitlisted = waitlisted + -1 * (OLD.queue_key IS NOT NULL OR OLD.promoted_at IS NOT NULL),
    promoted = promoted + -1 * (OLD.promoted_at IS NOT NULL)
  WHERE run_id = OLD.run_id AND month = strftime('%Y-%m', OLD.created_at / 1000 + 28800, 'unixepoch');
  UPDATE stats_run_month SET
    ratings_sum = ratings_sum - (SELECT ev.rating FROM evaluations ev WHERE ev.enrollment_id = OLD.id),
    ratings_n = ratings_n - 1
  WHERE run_id = OLD.run_id AND month = (SELECT strftime('%Y-%m', ev.created_at / 1000 + 28800, 'unixepoch') FROM evaluations ev WHERE ev.enrollment_id = OLD.id);
  UPDATE stats_run_month SET
    attendances = attendances - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_run_month.month),
    absences = absences - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.present = 0 AND t.excused = 0 AND substr(s2.local_date, 1, 7) = stats_run_month.month),
    excused = excused - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.excused = 1 AND substr(s2.local_date, 1, 7) = stats_run_month.month)
  WHERE run_id = OLD.run_id;
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_person_month.month)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND person_key = (CASE WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id WHEN OLD.user_id IS NOT NULL THEN OLD.user_id ELSE 100000000000 + CAST(OLD.walkin_phone AS INTEGER) END);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND person_key = (CASE WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id WHEN OLD.user_id IS NOT NULL THEN OLD.user_id ELSE 100000000000 + CAST(OLD.walkin_phone AS INTEGER) END);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_academy_run_insert;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_insert AFTER INSERT ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_academy_month (academy_id, month, district_id)
  SELECT a.id, NEW.month, a.district_id FROM academies a WHERE a.id = NEW.academy_id
  ON CONFLICT (academy_id, month) DO NOTHING;
  UPDATE stats_academy_month SET
    sessions = sessions + 1 * NEW.sessions * (NEW.run_cancelled = 0),
    teacher_minutes = teacher_minutes + 1 * NEW.teacher_minutes * (NEW.run_cancelled = 0),
    attendances = attendances + 1 * NEW.attendances, absences = absences + 1 * NEW.absences, excused = excused + 1 * NEW.excused,
    ratings_sum = ratings_sum + 1 * NEW.ratings_sum, ratings_n = ratings_n + 1 * NEW.ratings_n,
    waitlisted = waitlisted + 1 * NEW.waitlisted, promoted = promoted + 1 * NEW.promoted
  WHERE academy_id = NEW.academy_id AND month = NEW.month;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS stats_academy_run_update;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_update AFTER UPDATE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
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
DROP TRIGGER IF EXISTS stats_academy_run_delete;
--> statement-breakpoint
CREATE TRIGGER stats_academy_run_delete AFTER DELETE ON stats_run_month FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_academy_month SET
    sessions = sessions + -1 * OLD.sessions * (OLD.run_cancelled = 0),
    teacher_minutes = teacher_minutes + -1 * OLD.teacher_minutes * (OLD.run_cancelled = 0),
    attendances = attendances + -1 * OLD.attendances, absences = absences + -1 * OLD.absences, excused = excused + -1 * OLD.excused,
    ratings_sum = ratings_sum + -1 * OLD.ratings_sum, ratings_n = ratings_n + -1 * OLD.ratings_n,
    waitlisted = waitlisted + -1 * OLD.waitlisted, promoted = promoted + -1 * OLD.promoted
  WHERE academy_id = OLD.academy_id AND month = OLD.month;
END;
--> statement-breakpoint
CREATE TRIGGER attendance_state_guard_insert BEFORE INSERT ON attendance FOR EACH ROW
WHEN (NEW.present = 1 AND NEW.excused = 1) OR (NEW.method = 'leave' AND NEW.excused <> 1) OR length(NEW.note) > 100 BEGIN
  SELECT RAISE(ABORT, 'attendance: a mark is one of present, excused (请假) or absent; a leave row is excused; note at most 100 characters');
END;
--> statement-breakpoint
CREATE TRIGGER attendance_state_guard_update BEFORE UPDATE ON attendance FOR EACH ROW
WHEN (NEW.present = 1 AND NEW.excused = 1) OR (NEW.method = 'leave' AND NEW.excused <> 1) OR length(NEW.note) > 100 BEGIN
  SELECT RAISE(ABORT, 'attendance: a mark is one of present, excused (请假) or absent; a leave row is excused; note at most 100 characters');
END;
