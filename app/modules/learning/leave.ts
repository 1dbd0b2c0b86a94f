/**
 * 请假 (leave) and the three attendance states, without the database: labels, the form's schema
 * and the guards the attendance table keeps (migration *_stats_leave_triggers).
 *
 * Three states of one learner at one session (an `attendance` row): 出席 present, 请假 excused
 * (absent with leave: asked online by the resident before the start, or marked by staff after a
 * phone call), 缺席 absent without leave. Only 缺席 at a recorded held session with a seat is a
 * no-show (缺课未请假); 请假 never counts towards the no-show policy. Attendance rates count
 * 出席 over all three, so leave is not attendance, but it is never held against anyone.
 */
import { z } from "~/utils/zod";

export const ATTENDANCE_STATES = ["present", "excused", "absent"] as const;
export type AttendanceState = (typeof ATTENDANCE_STATES)[number];

export const ATTENDANCE_STATE_LABELS: Record<AttendanceState, string> = {
  present: "出席",
  excused: "请假",
  absent: "缺席",
};

/** A stored mark → its state (null: no row, attendance not taken for that person). */
export function stateOf(
  m: { present: boolean; excused: boolean } | null | undefined,
): AttendanceState | null {
  if (!m) return null;
  return m.present ? "present" : m.excused ? "excused" : "absent";
}

export const LEAVE_REASON_MAX = 100;

/** The resident's leave form: which session, and an optional short reason. */
export const leaveRequestSchema = z.object({
  intent: z.literal("leave"),
  sessionId: z.coerce
    .number({ error: "请选择要请假的那次课。" })
    .int({ error: "请选择要请假的那次课。" })
    .positive({ error: "请选择要请假的那次课。" }),
  reason: z
    .string()
    .trim()
    .max(LEAVE_REASON_MAX, { error: `请假原因最多 ${LEAVE_REASON_MAX} 个字。` })
    .optional()
    .transform((v) => v ?? ""),
});

export const leaveWithdrawSchema = z.object({
  intent: z.literal("withdraw"),
  sessionId: z.coerce.number().int().positive(),
});

/** Database guards on `attendance` (a CHECK would make drizzle-kit rebuild the table). */
export const ATTENDANCE_GUARDS_SQL: string[] = (["INSERT", "UPDATE"] as const).map(
  (
    op,
  ) => `CREATE TRIGGER attendance_state_guard_${op.toLowerCase()} BEFORE ${op} ON attendance FOR EACH ROW
WHEN (NEW.present = 1 AND NEW.excused = 1) OR (NEW.method = 'leave' AND NEW.excused <> 1) OR length(NEW.note) > ${LEAVE_REASON_MAX} BEGIN
  SELECT RAISE(ABORT, 'attendance: a mark is one of present, excused (请假) or absent; a leave row is excused; note at most ${LEAVE_REASON_MAX} characters');
END;`,
);
