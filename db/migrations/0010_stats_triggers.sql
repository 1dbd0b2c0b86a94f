CREATE TRIGGER stats_session_insert AFTER INSERT ON class_sessions FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(NEW.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_runs r JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = NEW.run_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET
    sessions = sessions + 1 * (NEW.status = 'scheduled'),
    session_minutes = session_minutes + 1 * (NEW.status = 'scheduled') * ((NEW.ends_at - NEW.starts_at) / 60000),
    teacher_minutes = teacher_minutes + 1 * (NEW.status = 'scheduled') * ((NEW.ends_at - NEW.starts_at) / 60000) * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = NEW.run_id)
  WHERE run_id = NEW.run_id AND month = substr(NEW.local_date, 1, 7) AND EXISTS (SELECT 1 FROM class_runs WHERE id = NEW.run_id);
END;
--> statement-breakpoint
CREATE TRIGGER stats_session_update AFTER UPDATE OF status, starts_at, ends_at, local_date, run_id ON class_sessions FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET
    sessions = sessions + -1 * (OLD.status = 'scheduled'),
    session_minutes = session_minutes + -1 * (OLD.status = 'scheduled') * ((OLD.ends_at - OLD.starts_at) / 60000),
    teacher_minutes = teacher_minutes + -1 * (OLD.status = 'scheduled') * ((OLD.ends_at - OLD.starts_at) / 60000) * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = OLD.run_id)
  WHERE run_id = OLD.run_id AND month = substr(OLD.local_date, 1, 7) AND EXISTS (SELECT 1 FROM class_runs WHERE id = OLD.run_id);
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(NEW.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_runs r JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = NEW.run_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET
    sessions = sessions + 1 * (NEW.status = 'scheduled'),
    session_minutes = session_minutes + 1 * (NEW.status = 'scheduled') * ((NEW.ends_at - NEW.starts_at) / 60000),
    teacher_minutes = teacher_minutes + 1 * (NEW.status = 'scheduled') * ((NEW.ends_at - NEW.starts_at) / 60000) * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = NEW.run_id)
  WHERE run_id = NEW.run_id AND month = substr(NEW.local_date, 1, 7) AND EXISTS (SELECT 1 FROM class_runs WHERE id = NEW.run_id);
END;
--> statement-breakpoint
CREATE TRIGGER stats_session_move_month AFTER UPDATE OF local_date, run_id ON class_sessions FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND (substr(OLD.local_date, 1, 7) <> substr(NEW.local_date, 1, 7) OR OLD.run_id <> NEW.run_id) BEGIN
  
  UPDATE stats_run_month SET
    attendances = attendances + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 1),
    absences = absences + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 0)
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
    absences = absences + 1 * (SELECT count(*) FROM attendance t WHERE t.session_id = NEW.id AND t.present = 0)
  WHERE run_id = NEW.run_id AND month = substr(NEW.local_date, 1, 7);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(NEW.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END), a.district_id, count(*)
  FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id JOIN class_runs r ON r.id = NEW.run_id JOIN academies a ON a.id = r.academy_id
  WHERE t.session_id = NEW.id AND t.present = 1
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + excluded.refs;
END;
--> statement-breakpoint
CREATE TRIGGER stats_session_delete BEFORE DELETE ON class_sessions FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET
    sessions = sessions + -1 * (OLD.status = 'scheduled'),
    session_minutes = session_minutes + -1 * (OLD.status = 'scheduled') * ((OLD.ends_at - OLD.starts_at) / 60000),
    teacher_minutes = teacher_minutes + -1 * (OLD.status = 'scheduled') * ((OLD.ends_at - OLD.starts_at) / 60000) * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = OLD.run_id)
  WHERE run_id = OLD.run_id AND month = substr(OLD.local_date, 1, 7) AND EXISTS (SELECT 1 FROM class_runs WHERE id = OLD.run_id);
  
  UPDATE stats_run_month SET
    attendances = attendances + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 1),
    absences = absences + -1 * (SELECT count(*) FROM attendance t WHERE t.session_id = OLD.id AND t.present = 0)
  WHERE run_id = OLD.run_id AND month = substr(OLD.local_date, 1, 7);
  UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM attendance t JOIN enrollments e ON e.id = t.enrollment_id
    WHERE t.session_id = OLD.id AND t.present = 1 AND (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) = stats_person_month.person_key)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND month = substr(OLD.local_date, 1, 7);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND month = substr(OLD.local_date, 1, 7);
END;
--> statement-breakpoint
CREATE TRIGGER stats_attendance_insert AFTER INSERT ON attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, substr(s2.local_date, 1, 7), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE s2.id = NEW.session_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET attendances = attendances + 1 * (NEW.present = 1), absences = absences + 1 * (NEW.present = 0)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = NEW.session_id);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END), a.district_id, 1
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id
  WHERE s2.id = NEW.session_id AND NEW.present = 1
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;
END;
--> statement-breakpoint
CREATE TRIGGER stats_attendance_update AFTER UPDATE OF present, session_id, enrollment_id ON attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET attendances = attendances + -1 * (OLD.present = 1), absences = absences + -1 * (OLD.present = 0)
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
  UPDATE stats_run_month SET attendances = attendances + 1 * (NEW.present = 1), absences = absences + 1 * (NEW.present = 0)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = NEW.session_id);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END), a.district_id, 1
  FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = NEW.enrollment_id AND e.run_id = s2.run_id JOIN academies a ON a.id = r.academy_id
  WHERE s2.id = NEW.session_id AND NEW.present = 1
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;
END;
--> statement-breakpoint
CREATE TRIGGER stats_attendance_delete AFTER DELETE ON attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET attendances = attendances + -1 * (OLD.present = 1), absences = absences + -1 * (OLD.present = 0)
  WHERE (run_id, month) = (SELECT r.id, substr(s2.local_date, 1, 7) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  UPDATE stats_person_month SET refs = refs - 1
  WHERE OLD.present = 1 AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT r.academy_id, substr(s2.local_date, 1, 7), (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) FROM class_sessions s2 JOIN class_runs r ON r.id = s2.run_id JOIN enrollments e ON e.id = OLD.enrollment_id AND e.run_id = s2.run_id WHERE s2.id = OLD.session_id);
END;
--> statement-breakpoint
CREATE TRIGGER stats_enrollment_insert AFTER INSERT ON enrollments FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch'), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_runs r JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = NEW.run_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET
    waitlisted = waitlisted + 1 * (NEW.queue_key IS NOT NULL OR NEW.promoted_at IS NOT NULL),
    promoted = promoted + 1 * (NEW.promoted_at IS NOT NULL)
  WHERE run_id = NEW.run_id AND month = strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_enrollment_update AFTER UPDATE OF queue_key, promoted_at, created_at ON enrollments FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET
    waitlisted = waitlisted + -1 * (OLD.queue_key IS NOT NULL OR OLD.promoted_at IS NOT NULL),
    promoted = promoted + -1 * (OLD.promoted_at IS NOT NULL)
  WHERE run_id = OLD.run_id AND month = strftime('%Y-%m', OLD.created_at / 1000 + 28800, 'unixepoch');
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch'), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM class_runs r JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = NEW.run_id
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET
    waitlisted = waitlisted + 1 * (NEW.queue_key IS NOT NULL OR NEW.promoted_at IS NOT NULL),
    promoted = promoted + 1 * (NEW.promoted_at IS NOT NULL)
  WHERE run_id = NEW.run_id AND month = strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch');
END;
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
      WHERE t.enrollment_id = OLD.id AND t.present = 0 AND substr(s2.local_date, 1, 7) = stats_run_month.month)
  WHERE run_id = OLD.run_id;
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id
      WHERE t.enrollment_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_person_month.month)
  WHERE academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND person_key = (CASE WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id WHEN OLD.user_id IS NOT NULL THEN OLD.user_id ELSE 100000000000 + CAST(OLD.walkin_phone AS INTEGER) END);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = (SELECT academy_id FROM class_runs WHERE id = OLD.run_id) AND person_key = (CASE WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id WHEN OLD.user_id IS NOT NULL THEN OLD.user_id ELSE 100000000000 + CAST(OLD.walkin_phone AS INTEGER) END);
END;
--> statement-breakpoint
CREATE TRIGGER stats_evaluation_insert AFTER INSERT ON evaluations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch'), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM enrollments e JOIN class_runs r ON r.id = e.run_id JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = (SELECT run_id FROM enrollments WHERE id = NEW.enrollment_id)
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET ratings_sum = ratings_sum + 1 * NEW.rating, ratings_n = ratings_n + 1
  WHERE run_id = (SELECT run_id FROM enrollments WHERE id = NEW.enrollment_id) AND month = strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_evaluation_update AFTER UPDATE OF rating, created_at, enrollment_id ON evaluations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET ratings_sum = ratings_sum + -1 * OLD.rating, ratings_n = ratings_n + -1
  WHERE run_id = (SELECT run_id FROM enrollments WHERE id = OLD.enrollment_id) AND month = strftime('%Y-%m', OLD.created_at / 1000 + 28800, 'unixepoch');
  
  INSERT INTO stats_run_month (run_id, month, academy_id, district_id, course_id, category_id, run_cancelled)
  SELECT r.id, strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch'), r.academy_id, a.district_id, r.course_id, c.category_id, r.status = 'cancelled'
  FROM enrollments e JOIN class_runs r ON r.id = e.run_id JOIN academies a ON a.id = r.academy_id JOIN courses c ON c.id = r.course_id
  WHERE r.id = (SELECT run_id FROM enrollments WHERE id = NEW.enrollment_id)
  ON CONFLICT (run_id, month) DO NOTHING;
  UPDATE stats_run_month SET ratings_sum = ratings_sum + 1 * NEW.rating, ratings_n = ratings_n + 1
  WHERE run_id = (SELECT run_id FROM enrollments WHERE id = NEW.enrollment_id) AND month = strftime('%Y-%m', NEW.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_evaluation_delete AFTER DELETE ON evaluations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  
  UPDATE stats_run_month SET ratings_sum = ratings_sum + -1 * OLD.rating, ratings_n = ratings_n + -1
  WHERE run_id = (SELECT run_id FROM enrollments WHERE id = OLD.enrollment_id) AND month = strftime('%Y-%m', OLD.created_at / 1000 + 28800, 'unixepoch');
END;
--> statement-breakpoint
CREATE TRIGGER stats_run_teacher_insert AFTER INSERT ON run_teachers FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_run_month SET teacher_minutes = session_minutes * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = NEW.run_id) WHERE run_id = NEW.run_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_run_teacher_delete AFTER DELETE ON run_teachers FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_run_month SET teacher_minutes = session_minutes * (SELECT max(1, count(*)) FROM run_teachers WHERE run_id = OLD.run_id) WHERE run_id = OLD.run_id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_run_update AFTER UPDATE OF status, course_id ON class_runs FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_run_month SET run_cancelled = (NEW.status = 'cancelled'), course_id = NEW.course_id,
    category_id = (SELECT category_id FROM courses WHERE id = NEW.course_id)
  WHERE run_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_run_delete BEFORE DELETE ON class_runs FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM attendance t JOIN class_sessions s2 ON s2.id = t.session_id JOIN enrollments e ON e.id = t.enrollment_id
      WHERE s2.run_id = OLD.id AND t.present = 1 AND substr(s2.local_date, 1, 7) = stats_person_month.month AND (CASE WHEN e.family_member_id IS NOT NULL THEN -e.family_member_id WHEN e.user_id IS NOT NULL THEN e.user_id ELSE 100000000000 + CAST(e.walkin_phone AS INTEGER) END) = stats_person_month.person_key)
  WHERE academy_id = OLD.academy_id AND month IN (SELECT month FROM stats_run_month WHERE run_id = OLD.id);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = OLD.academy_id;
  DELETE FROM stats_run_month WHERE run_id = OLD.id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_course_category AFTER UPDATE OF category_id ON courses FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_run_month SET category_id = NEW.category_id WHERE course_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_district AFTER UPDATE OF district_id ON academies FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_run_month SET district_id = NEW.district_id WHERE academy_id = NEW.id;
  UPDATE stats_person_month SET district_id = NEW.district_id WHERE academy_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_insert AFTER INSERT ON activities FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_activity (activity_id, academy_id, district_id, month, starts_at, cancelled, headcount, identified)
  SELECT NEW.id, NEW.academy_id, ac.district_id, substr(NEW.local_date, 1, 7), NEW.starts_at, NEW.status = 'cancelled', coalesce(NEW.headcount, 0),
    (SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
     WHERE t.activity_id = NEW.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL))
  FROM academies ac WHERE ac.id = NEW.academy_id
  ON CONFLICT (activity_id) DO UPDATE SET academy_id = excluded.academy_id, district_id = excluded.district_id, month = excluded.month,
    starts_at = excluded.starts_at, cancelled = excluded.cancelled, headcount = excluded.headcount, identified = excluded.identified;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_update AFTER UPDATE OF status, headcount, starts_at, local_date, academy_id ON activities FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  INSERT INTO stats_activity (activity_id, academy_id, district_id, month, starts_at, cancelled, headcount, identified)
  SELECT NEW.id, NEW.academy_id, ac.district_id, substr(NEW.local_date, 1, 7), NEW.starts_at, NEW.status = 'cancelled', coalesce(NEW.headcount, 0),
    (SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
     WHERE t.activity_id = NEW.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL))
  FROM academies ac WHERE ac.id = NEW.academy_id
  ON CONFLICT (activity_id) DO UPDATE SET academy_id = excluded.academy_id, district_id = excluded.district_id, month = excluded.month,
    starts_at = excluded.starts_at, cancelled = excluded.cancelled, headcount = excluded.headcount, identified = excluded.identified;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_move AFTER UPDATE OF local_date, academy_id ON activities FOR EACH ROW
WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') AND (substr(OLD.local_date, 1, 7) <> substr(NEW.local_date, 1, 7) OR OLD.academy_id <> NEW.academy_id) BEGIN
  UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
    WHERE t.activity_id = OLD.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL) AND (CASE WHEN t.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN t.family_member_id IS NOT NULL THEN -t.family_member_id ELSE t.user_id END) = stats_person_month.person_key)
  WHERE academy_id = OLD.academy_id AND month = substr(OLD.local_date, 1, 7);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = OLD.academy_id AND month = substr(OLD.local_date, 1, 7);
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT NEW.academy_id, substr(NEW.local_date, 1, 7), (CASE WHEN t.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN t.family_member_id IS NOT NULL THEN -t.family_member_id ELSE t.user_id END), ac.district_id, count(*)
  FROM activity_attendance t JOIN academies ac ON ac.id = NEW.academy_id LEFT JOIN activity_registrations g ON g.id = t.registration_id
  WHERE t.activity_id = NEW.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL) AND (CASE WHEN t.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN t.family_member_id IS NOT NULL THEN -t.family_member_id ELSE t.user_id END) IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + excluded.refs;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_delete BEFORE DELETE ON activities FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_person_month SET refs = refs - (
    SELECT count(*) FROM activity_attendance t LEFT JOIN activity_registrations g ON g.id = t.registration_id
    WHERE t.activity_id = OLD.id AND t.present = 1 AND (t.registration_id IS NULL OR g.id IS NOT NULL) AND (CASE WHEN t.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN t.family_member_id IS NOT NULL THEN -t.family_member_id ELSE t.user_id END) = stats_person_month.person_key)
  WHERE academy_id = OLD.academy_id AND month = substr(OLD.local_date, 1, 7);
  DELETE FROM stats_person_month WHERE refs <= 0 AND academy_id = OLD.academy_id AND month = substr(OLD.local_date, 1, 7);
  DELETE FROM stats_activity WHERE activity_id = OLD.id;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_mark_insert AFTER INSERT ON activity_attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_activity SET identified = identified + 1 * (NEW.present = 1)
  WHERE activity_id = (SELECT av.id FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = NEW.registration_id WHERE av.id = NEW.activity_id AND (NEW.registration_id IS NULL OR g.id IS NOT NULL));
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT av.academy_id, substr(av.local_date, 1, 7), (CASE WHEN NEW.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN NEW.family_member_id IS NOT NULL THEN -NEW.family_member_id ELSE NEW.user_id END), ac.district_id, 1
  FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = NEW.registration_id WHERE av.id = NEW.activity_id AND (NEW.registration_id IS NULL OR g.id IS NOT NULL) AND NEW.present = 1 AND (CASE WHEN NEW.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN NEW.family_member_id IS NOT NULL THEN -NEW.family_member_id ELSE NEW.user_id END) IS NOT NULL
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_mark_update AFTER UPDATE OF present, activity_id, registration_id, user_id, family_member_id ON activity_attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_activity SET identified = identified + -1 * (OLD.present = 1)
  WHERE activity_id = (SELECT av.id FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = OLD.registration_id WHERE av.id = OLD.activity_id AND (OLD.registration_id IS NULL OR g.id IS NOT NULL));
  UPDATE stats_person_month SET refs = refs - 1
  WHERE OLD.present = 1 AND (academy_id, month, person_key) = (SELECT av.academy_id, substr(av.local_date, 1, 7), (CASE WHEN OLD.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id ELSE OLD.user_id END) FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = OLD.registration_id WHERE av.id = OLD.activity_id AND (OLD.registration_id IS NULL OR g.id IS NOT NULL));
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT av.academy_id, substr(av.local_date, 1, 7), (CASE WHEN OLD.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id ELSE OLD.user_id END) FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = OLD.registration_id WHERE av.id = OLD.activity_id AND (OLD.registration_id IS NULL OR g.id IS NOT NULL));
  UPDATE stats_activity SET identified = identified + 1 * (NEW.present = 1)
  WHERE activity_id = (SELECT av.id FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = NEW.registration_id WHERE av.id = NEW.activity_id AND (NEW.registration_id IS NULL OR g.id IS NOT NULL));
  INSERT INTO stats_person_month (academy_id, month, person_key, district_id, refs)
  SELECT av.academy_id, substr(av.local_date, 1, 7), (CASE WHEN NEW.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN NEW.family_member_id IS NOT NULL THEN -NEW.family_member_id ELSE NEW.user_id END), ac.district_id, 1
  FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = NEW.registration_id WHERE av.id = NEW.activity_id AND (NEW.registration_id IS NULL OR g.id IS NOT NULL) AND NEW.present = 1 AND (CASE WHEN NEW.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN NEW.family_member_id IS NOT NULL THEN -NEW.family_member_id ELSE NEW.user_id END) IS NOT NULL
  ON CONFLICT (academy_id, month, person_key) DO UPDATE SET refs = refs + 1;
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_mark_delete AFTER DELETE ON activity_attendance FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_activity SET identified = identified + -1 * (OLD.present = 1)
  WHERE activity_id = (SELECT av.id FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = OLD.registration_id WHERE av.id = OLD.activity_id AND (OLD.registration_id IS NULL OR g.id IS NOT NULL));
  UPDATE stats_person_month SET refs = refs - 1
  WHERE OLD.present = 1 AND (academy_id, month, person_key) = (SELECT av.academy_id, substr(av.local_date, 1, 7), (CASE WHEN OLD.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id ELSE OLD.user_id END) FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = OLD.registration_id WHERE av.id = OLD.activity_id AND (OLD.registration_id IS NULL OR g.id IS NOT NULL));
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month, person_key) = (SELECT av.academy_id, substr(av.local_date, 1, 7), (CASE WHEN OLD.registration_id IS NOT NULL THEN (CASE WHEN g.family_member_id IS NOT NULL THEN -g.family_member_id WHEN g.user_id IS NOT NULL THEN g.user_id ELSE 100000000000 + CAST(g.walkin_phone AS INTEGER) END) WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id ELSE OLD.user_id END) FROM activities av JOIN academies ac ON ac.id = av.academy_id LEFT JOIN activity_registrations g ON g.id = OLD.registration_id WHERE av.id = OLD.activity_id AND (OLD.registration_id IS NULL OR g.id IS NOT NULL));
END;
--> statement-breakpoint
CREATE TRIGGER stats_activity_registration_delete BEFORE DELETE ON activity_registrations FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_activity SET identified = identified - (SELECT count(*) FROM activity_attendance t WHERE t.registration_id = OLD.id AND t.present = 1)
  WHERE activity_id = OLD.activity_id;
  UPDATE stats_person_month SET refs = refs - (SELECT count(*) FROM activity_attendance t WHERE t.registration_id = OLD.id AND t.present = 1)
  WHERE (academy_id, month) = (SELECT academy_id, substr(local_date, 1, 7) FROM activities WHERE id = OLD.activity_id) AND person_key = (CASE WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id WHEN OLD.user_id IS NOT NULL THEN OLD.user_id ELSE 100000000000 + CAST(OLD.walkin_phone AS INTEGER) END);
  DELETE FROM stats_person_month WHERE refs <= 0
    AND (academy_id, month) = (SELECT academy_id, substr(local_date, 1, 7) FROM activities WHERE id = OLD.activity_id) AND person_key = (CASE WHEN OLD.family_member_id IS NOT NULL THEN -OLD.family_member_id WHEN OLD.user_id IS NOT NULL THEN OLD.user_id ELSE 100000000000 + CAST(OLD.walkin_phone AS INTEGER) END);
END;
--> statement-breakpoint
CREATE TRIGGER stats_academy_district_activity AFTER UPDATE OF district_id ON academies FOR EACH ROW WHEN NOT EXISTS (SELECT 1 FROM stats_state WHERE key = 'suspended') BEGIN
  UPDATE stats_activity SET district_id = NEW.district_id WHERE academy_id = NEW.id;
END;
