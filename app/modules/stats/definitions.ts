/**
 * The city's statistical definitions, in one place. Every dashboard, export and API answer
 * computes its figures with `computeFigures` (stats.server.ts) and labels them from here; the
 * `explain` line is shown beside each figure (ⓘ) and in the exports' notes.
 */
export const FIGURE_KEYS = [
  "runsHeld",
  "sessionsHeld",
  "activitiesHeld",
  "participations",
  "participants",
  "participationRate",
  "satisfaction",
  "volunteerHours",
  "waitlistConversion",
  "excused",
  "noShowRate",
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

export type Definition = { label: string; unit: string; explain: string };

export const DEFINITIONS: Record<FigureKey, Definition> = {
  runsHeld: { label: "开课门次", unit: "门次", explain: "统计期内至少上过一次课（课次已结束、未取消）的开课班数。" },
  sessionsHeld: { label: "课次", unit: "次", explain: "统计期内已结束且未取消的课次数（班级或课次取消的不计）。" },
  activitiesHeld: { label: "活动场次", unit: "场", explain: "统计期内已开始且未取消的群众性活动场数。" },
  participations: {
    label: "参与人次",
    unit: "人次",
    explain: "课程签到出勤人次 + 活动参与人次（签到 + 登记出勤 + 现场人数中未签到的部分，不重复计）。",
  },
  participants: { label: "参与人数", unit: "人", explain: "统计期内参加过课程或活动（有签到或出勤记录）的不同居民人数，同一人只计一次。" },
  participationRate: { label: "参与率", unit: "%", explain: "参与人数 ÷ 书院（或全区、全市）社区常住人口。" },
  satisfaction: { label: "满意度", unit: "分", explain: "统计期内学员评价的平均分（1–5 分），括号内为评价条数。" },
  volunteerHours: {
    label: "志愿服务时长",
    unit: "小时",
    explain: "已上课次的时长 × 授课教师人数（无账号的社区讲师计 1 人），加上书院确认的社区志愿服务时长（按服务日期）。",
  },
  waitlistConversion: { label: "候补转正率", unit: "%", explain: "统计期内进入候补的课程报名和活动报名中，后来转为正式名额的比例。" },
  excused: {
    label: "请假人次",
    unit: "人次",
    explain:
      "统计期内各课次的请假人次（课前在线请假或书院登记；当月还没上的课次已提交的请假也计入，撤销即减去）。请假不算出勤，也不算爽约：不计入参与人次，爽约率只把它算在分母里。",
  },
  noShowRate: {
    label: "爽约率",
    unit: "%",
    explain: "已点名课次中，缺席（未请假）人次 ÷（出席 + 请假 + 缺席）人次。请假的人次只在分母中，不算爽约。",
  },
};

export type Figures = {
  runsHeld: number;
  sessionsHeld: number;
  activitiesHeld: number;
  /** classAttendances + activityParticipations. */
  participations: number;
  classAttendances: number;
  activityParticipations: number;
  participants: number | null;
  population: number | null;
  participationRate: number | null;
  satisfaction: number | null;
  ratings: number;
  volunteerHours: number;
  /** Of volunteerHours: teaching and confirmed community service. */
  teachingHours: number;
  communityVolunteerHours: number;
  waitlisted: number;
  promoted: number;
  waitlistConversion: number | null;
  absences: number;
  /** 请假: excused absences, counted apart (never no-shows). */
  excused: number;
  noShowRate: number | null;
};

export function emptyFigures(): Figures {
  return {
    runsHeld: 0,
    sessionsHeld: 0,
    activitiesHeld: 0,
    participations: 0,
    classAttendances: 0,
    activityParticipations: 0,
    participants: null,
    population: null,
    participationRate: null,
    satisfaction: null,
    ratings: 0,
    volunteerHours: 0,
    teachingHours: 0,
    communityVolunteerHours: 0,
    waitlisted: 0,
    promoted: 0,
    waitlistConversion: null,
    absences: 0,
    excused: 0,
    noShowRate: null,
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/** Raw sums → the derived figures (rates, means), by the definitions above. */
/** The sums the rollups give for one scope and period; `finishFigures` derives the rest. */
export type RawFigures = {
  runsHeld: number;
  sessionsHeld: number;
  teacherMinutes: number;
  /** Confirmed community volunteer service (volunteer_hours). */
  communityMinutes: number;
  attendances: number;
  absences: number;
  excused: number;
  ratingsSum: number;
  ratingsN: number;
  waitlisted: number;
  promoted: number;
  activitiesHeld: number;
  activityParticipations: number;
  participants: number | null;
  population: number | null;
};

export function finishFigures(raw: RawFigures): Figures {
  return {
    runsHeld: raw.runsHeld,
    sessionsHeld: raw.sessionsHeld,
    activitiesHeld: raw.activitiesHeld,
    participations: raw.attendances + raw.activityParticipations,
    classAttendances: raw.attendances,
    activityParticipations: raw.activityParticipations,
    participants: raw.participants,
    population: raw.population,
    participationRate: raw.participants == null || raw.population == null ? null : ratio(raw.participants, raw.population),
    satisfaction: ratio(raw.ratingsSum, raw.ratingsN),
    ratings: raw.ratingsN,
    volunteerHours: hours(raw.teacherMinutes + raw.communityMinutes),
    teachingHours: hours(raw.teacherMinutes),
    communityVolunteerHours: hours(raw.communityMinutes),
    waitlisted: raw.waitlisted,
    promoted: raw.promoted,
    waitlistConversion: ratio(raw.promoted, raw.waitlisted),
    absences: raw.absences,
    excused: raw.excused,
    noShowRate: ratio(raw.absences, raw.attendances + raw.excused + raw.absences),
  };
}

const ONE_DECIMAL = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 1 });
const INTEGER = new Intl.NumberFormat("zh-CN");

/** How a figure reads in a table cell or a card: "1,234", "12.5%", "4.62（38 条）". */
export function formatFigure(key: FigureKey, f: Figures): string {
  const v = f[key];
  if (v == null) return "—";
  switch (key) {
    case "participationRate":
    case "waitlistConversion":
    case "noShowRate":
      return `${(v * 100).toFixed(1)}%`;
    case "satisfaction":
      return `${v.toFixed(2)}（${f.ratings} 条）`;
    case "volunteerHours":
      return ONE_DECIMAL.format(v);
    default:
      return INTEGER.format(v);
  }
}

/** The change against the previous period, as a short signed text ("+12.5%", "−3", "—"). */
export function formatChange(key: FigureKey, now: Figures, before: Figures): string {
  const a = now[key];
  const b = before[key];
  if (a == null || b == null) return "—";
  if (key === "participationRate" || key === "waitlistConversion" || key === "noShowRate") {
    const d = (a - b) * 100;
    return `${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(1)} 个百分点`;
  }
  if (key === "satisfaction") {
    const d = a - b;
    return `${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(2)} 分`;
  }
  if (b === 0) return a === 0 ? "持平" : "新增";
  const pct = ((a - b) / b) * 100;
  return `${pct >= 0 ? "+" : "−"}${Math.abs(pct).toFixed(1)}%`;
}
