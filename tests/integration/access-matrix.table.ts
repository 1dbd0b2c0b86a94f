/**
 * The access matrix: every route file in app/routes, the URL it is probed at, and the answer
 * each role must get. One string per row, one word per role, in this column order:
 *
 *     anonymous  resident  teacher  managerA  managerB  districtOwn  districtOther  hqEditor  hqAdmin
 *
 * managerA manages academy A (the demo manager's, huli-001) and every id in a URL belongs to
 * academy A, so managerB (another 湖里 academy) and districtOther (another district) are the
 * object-level cases: ids from another academy, district or person.
 *
 * Words: 200 · 400 · 403 · 404 · login (a redirect to /login) · go (any other redirect) ·
 * any (not checked) · - (not sent: a real intent the role may perform would change the data).
 * A `post` row sends `intent=__probe__` (an intent no route knows) with a same-origin Origin:
 * a role that may not act must be refused (login/403/404) before the action looks at the form;
 * a role that may act gets the action's own answer to a bad form (a 400, or a redirect).
 *
 * A new route file without a row here fails tests/integration/access-matrix.test.ts.
 */
import type { TrustIds } from "@tests/factories/trust-world";

export type Cell = "200" | "400" | "403" | "404" | "login" | "go" | "any";
export type Row = {
  /** The URL probed, built from the world's ids. */
  path: (ids: TrustIds) => string;
  /** Nine words: anonymous resident teacher managerA managerB districtOwn districtOther hqEditor hqAdmin. */
  get: string;
  /** The same for a POST of an unknown intent, on routes with an action. */
  post?: string;
  /** Real intents with a form body, for routes whose action reads the form before it checks the role. */
  intents?: { form: string; want: string }[];
};

//                  anon  res   tch   mgrA  mgrB  dOwn  dOth  hqEd  hqAd

export const ACCESS_MATRIX: Record<string, Row> = {
  "$": {
    path: () => "/no-such-page",
    get:  "404   404   404   404   404   404   404   404   404",
  },
  "_index": {
    path: () => "/",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "academies.$slug._index": {
    path: (i) => `/academies/${i.academyA}`,
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "academies.$slug.menu": {
    path: (i) => `/academies/${i.academyA}/menu`,
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "academies.$slug.topics.new": {
    path: (i) => `/academies/${i.academyA}/topics/new`,
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "academies._index": {
    path: () => "/academies",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "activities.$id": {
    path: (i) => `/activities/${i.activityA}`,
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "activities._index": {
    path: () => "/activities",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "activities.checkin.$token": {
    path: () => "/activities/checkin/not-a-real-pass",
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "api.v1.academies": {
    path: () => "/api/v1/academies",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "api.v1.activities": {
    path: () => "/api/v1/activities",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "api.v1.classes": {
    path: () => "/api/v1/classes",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "api.v1.courses": {
    path: () => "/api/v1/courses",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "api.v1.openapi[.]json": {
    path: () => "/api/v1/openapi.json",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "api.v1.stats.summary": {
    path: () => "/api/v1/stats/summary",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "checkin.$token": {
    path: () => "/checkin/not-a-real-pass",
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "classes.$id": {
    path: (i) => `/classes/${i.runA}`,
    get:  "200   200   200   200   200   200   200   200   200",
    post: "400   400   400   400   400   400   400   400   400",
  },
  "classes._index": {
    path: () => "/classes",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "courses.$code._index": {
    path: (i) => `/courses/${i.courseCode}`,
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "courses.$code.versions.$no": {
    path: (i) => `/courses/${i.courseCode}/versions/${i.versionNo}`,
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "courses._index": {
    path: () => "/courses",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "courses_.$code.want": {
    path: (i) => `/courses/${i.courseCode}/want`,
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 200   200   200   200   200   200   200   200",
  },
  "district._index": {
    path: () => "/district",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.evaluations": {
    path: () => "/district/evaluations",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.orders.$id": {
    path: (i) => `/district/orders/${i.orderA}`,
    get:  "login 403   403   200   403   200   403   200   200",
    post: "login 403   403   200   403   200   403   200   200",
  },
  "district.orders._index": {
    path: () => "/district/orders",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.organisations": {
    path: () => "/district/organisations",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.teachers": {
    path: () => "/district/teachers",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.academies._index": {
    path: () => "/district/academies",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.academies.new": {
    path: () => "/district/academies/new",
    get:  "login 403   403   403   403   200   200   403   403",
    post: "login 403   403   403   403   400   400   403   403",
  },
  // Academy A is in 湖里: the other district's staff are refused it (object level).
  "district.academies.$id": {
    path: (i) => `/district/academies/${i.academyAId}`,
    get:  "login 403   403   403   403   200   403   403   403",
    post: "login 403   403   403   403   400   403   403   403",
  },
  "district.runs": {
    path: () => "/district/runs",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "district.stats": {
    path: () => "/district/stats",
    get:  "login 403   403   403   403   200   200   403   403",
  },
  "forgot-password": {
    path: () => "/forgot-password",
    get:  "200   200   200   200   200   200   200   200   200",
    post: "400   400   400   400   400   400   400   400   400",
  },
  "healthz": {
    path: () => "/healthz",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "help": {
    path: () => "/help",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "help_.api": {
    path: () => "/help/api",
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "hq._index": {
    path: () => "/hq",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.audit": {
    path: () => "/hq/audit",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.categories": {
    path: () => "/hq/categories",
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq.courses.$id._index": {
    path: (i) => `/hq/courses/${i.courseId}`,
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 400   400   400   400   400   400   400   400",
    intents: [
      { form: "intent=submit", want: "login 403   403   403   403   403   403   -     -" },
      { form: "intent=publish", want: "login 403   403   403   403   403   403   -     -" },
    ],
  },
  "hq.courses.$id.draft": {
    path: (i) => `/hq/courses/${i.courseId}/draft`,
    get:  "405   405   405   405   405   405   405   405   405",
    post: "401   400   400   400   400   400   400   400   400",
  },
  "hq.courses.$id.edit": {
    path: (i) => `/hq/courses/${i.courseId}/edit`,
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "hq.courses.$id.versions.$no": {
    path: (i) => `/hq/courses/${i.courseId}/versions/${i.versionNo}`,
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.courses._index": {
    path: () => "/hq/courses",
    get:  "login 403   403   200   200   200   200   200   200",
  },
  "hq.courses.new": {
    path: () => "/hq/courses/new",
    get:  "login 403   403   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "hq.evaluations": {
    path: () => "/hq/evaluations",
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq.holidays": {
    path: () => "/hq/holidays",
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   200   200",
  },
  "hq.orders.$id": {
    path: (i) => `/hq/orders/${i.orderA}`,
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   200   200",
  },
  "hq.orders._index": {
    path: () => "/hq/orders",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.resources.$id": {
    path: (i) => `/hq/resources/${i.resourceId}`,
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq.resources._index": {
    path: () => "/hq/resources",
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq.resources.new": {
    path: () => "/hq/resources/new",
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq.stats": {
    path: () => "/hq/stats",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.system": {
    path: () => "/hq/system",
    get:  "login 403   403   403   403   403   403   403   200",
    post: "login 400   400   400   400   400   400   400   400",
    // The deliberate test error (a 500 with an error number) is the HQ admin's alone.
    intents: [{ form: "intent=test-error", want: "login 403   403   403   403   403   403   403   -    " }],
  },
  "hq.teachers.$id": {
    path: (i) => `/hq/teachers/${i.teacherId}`,
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq.teachers._index": {
    path: () => "/hq/teachers",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.teachers.new": {
    path: () => "/hq/teachers/new",
    get:  "login 403   403   403   403   403   403   200   200",
    post: "login 403   403   403   403   403   403   400   400",
  },
  "hq": {
    path: () => "/hq",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "hq.academies._index": {
    path: () => "/hq/academies",
    get:  "login 403   403   403   403   403   403   403   200",
  },
  "hq.academies.new": {
    path: () => "/hq/academies/new",
    get:  "login 403   403   403   403   403   403   403   200",
    post: "login 403   403   403   403   403   403   403   400",
  },
  "hq.academies.$id": {
    path: (i) => `/hq/academies/${i.academyAId}`,
    get:  "login 403   403   403   403   403   403   403   200",
    post: "login 403   403   403   403   403   403   403   400",
  },
  "hq.users.$id": {
    path: (i) => `/hq/users/${i.userId}`,
    get:  "login 403   403   403   403   403   403   403   200",
    post: "login 403   403   403   403   403   403   403   400",
  },
  "hq.users._index": {
    path: () => "/hq/users",
    get:  "login 403   403   403   403   403   403   403   200",
  },
  "hq_.stats.report": {
    path: () => "/hq/stats/report",
    get:  "login 403   403   403   403   403   403   200   200",
  },
  "login": {
    path: () => "/login",
    get:  "200   go    go    go    go    go    go    go    go",
    post: "400   go    go    go    go    go    go    go    go",
  },
  "logout": {
    path: () => "/logout",
    get:  "go    go    go    go    go    go    go    go    go",
    post: "go    go    go    go    go    go    go    go    go",
  },
  "manage.$academy._index": {
    path: (i) => `/manage/${i.academyA}`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.activities.$id": {
    path: (i) => `/manage/${i.academyA}/activities/${i.activityA}`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.activities.$id_.checkin": {
    path: (i) => `/manage/${i.academyA}/activities/${i.activityA}/checkin`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.activities._index": {
    path: (i) => `/manage/${i.academyA}/activities`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.activities.new": {
    path: (i) => `/manage/${i.academyA}/activities/new`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.attendance": {
    path: (i) => `/manage/${i.academyA}/attendance`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.closed": {
    path: (i) => `/manage/${i.academyA}/closed`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.demand": {
    path: (i) => `/manage/${i.academyA}/demand`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.evaluations": {
    path: (i) => `/manage/${i.academyA}/evaluations`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.meetings.$id": {
    path: (i) => `/manage/${i.academyA}/meetings/${i.meetingA}`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.orders._index": {
    path: (i) => `/manage/${i.academyA}/orders`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   404   403   403   403   403   404",
  },
  "manage.$academy.orders.new": {
    path: (i) => `/manage/${i.academyA}/orders/new`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.organisations": {
    path: (i) => `/manage/${i.academyA}/organisations`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.proposals": {
    path: (i) => `/manage/${i.academyA}/proposals`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.rooms": {
    path: (i) => `/manage/${i.academyA}/rooms`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.runs.$id": {
    path: (i) => `/manage/${i.academyA}/runs/${i.runA}`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.runs._index": {
    path: (i) => `/manage/${i.academyA}/runs`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.runs.new": {
    path: (i) => `/manage/${i.academyA}/runs/new`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.runs_.$id_.attendance": {
    path: (i) => `/manage/${i.academyA}/runs/${i.runA}/attendance`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.runs_.$id_.attendance[.]csv": {
    path: (i) => `/manage/${i.academyA}/runs/${i.runA}/attendance.csv`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.runs_.$id_.attendance[.]xlsx": {
    path: (i) => `/manage/${i.academyA}/runs/${i.runA}/attendance.xlsx`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.runs_.$id_.roster": {
    path: (i) => `/manage/${i.academyA}/runs/${i.runA}/roster`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
    // 显示完整号码: only the academy's own manager (HQ admins open one record on /hq/users/:id).
    intents: [{ form: "intent=reveal-phones", want: "login 403   403   200   403   403   403   403   403" }],
  },
  "manage.$academy.sessions.$id.attendance": {
    path: (i) => `/manage/${i.academyA}/sessions/${i.sessionA}/attendance`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   go    403   403   403   403   go",
  },
  "manage.$academy.sessions.$id.checkin": {
    path: (i) => `/manage/${i.academyA}/sessions/${i.sessionA}/checkin`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.stats": {
    path: (i) => `/manage/${i.academyA}/stats`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.surveys.$id": {
    path: (i) => `/manage/${i.academyA}/surveys/${i.surveyA}`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   go    403   403   403   403   400",
  },
  "manage.$academy.topics.$id": {
    path: (i) => `/manage/${i.academyA}/topics/${i.topicA}`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy.topics._index": {
    path: (i) => `/manage/${i.academyA}/topics`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   400   403   403   403   403   400",
  },
  "manage.$academy": {
    path: (i) => `/manage/${i.academyA}`,
    get:  "login 403   403   200   403   403   403   403   200",
  },
  "manage.$academy.volunteers": {
    path: (i) => `/manage/${i.academyA}/volunteers`,
    get:  "login 403   403   200   403   403   403   403   200",
    post: "login 403   403   go    403   403   403   403   go",
  },
  "manage._index": {
    path: () => "/manage",
    get:  "login 403   403   200   200   403   403   403   200",
  },
  "me._index": {
    path: () => "/me",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login go    go    go    go    go    go    go    go",
  },
  "me.academy": {
    path: () => "/me/academy",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "me.activities": {
    path: () => "/me/activities",
    get:  "login 200   200   200   200   200   200   200   200",
  },
  "me.organisations": {
    path: () => "/me/organisations",
    get:  "login 200   200   200   200   200   200   200   200",
  },
  "me.calendar[.]ics": {
    path: () => "/me/calendar.ics",
    get:  "404   404   404   404   404   404   404   404   404",
  },
  "me.certificates.$enrollmentId": {
    path: (i) => `/me/certificates/${i.residentEnrollment}`,
    get:  "login 404   404   404   404   404   404   404   404",
  },
  "me.certificates.volunteer": {
    path: () => "/me/certificates/volunteer",
    get:  "login 200   200   200   200   200   200   200   200",
  },
  "me.classes": {
    path: () => "/me/classes",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login go    go    go    go    go    go    go    go",
  },
  "me.evaluate.$enrollmentId": {
    path: (i) => `/me/evaluate/${i.residentEnrollment}`,
    get:  "login 200   404   404   404   404   404   404   404",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "me.leave.$enrollmentId": {
    path: (i) => `/me/leave/${i.residentEnrollment}`,
    get:  "login 200   403   403   403   403   403   403   403",
    post: "login 400   403   403   403   403   403   403   403",
  },
  "me.family": {
    path: () => "/me/family",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "me.messages": {
    path: () => "/me/messages",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login go    go    go    go    go    go    go    go",
  },
  "me.data": {
    path: () => "/me/data",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "me.data[.]json": {
    path: () => "/me/data.json",
    get:  "login 200   200   200   200   200   200   200   200",
  },
  "me.password": {
    path: () => "/me/password",
    get:  "login 200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "me.teacher": {
    path: () => "/me/teacher",
    get:  "login 403   200   403   403   403   403   403   403",
    post: "login 403   go    403   403   403   403   403   403",
  },
  "organisations.$id": {
    path: (i) => `/organisations/${i.organisationA}`,
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "prefs": {
    path: () => "/prefs",
    get:  "go    go    go    go    go    go    go    go    go",
    post: "go    go    go    go    go    go    go    go    go",
  },
  "proposals.$id": {
    path: (i) => `/proposals/${i.proposalA}`,
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "register": {
    path: () => "/register",
    get:  "200   go    go    go    go    go    go    go    go",
    post: "400   go    go    go    go    go    go    go    go",
  },
  "resources._index": {
    path: () => "/resources",
    get:  "login 403   200   200   200   200   200   200   200",
    post: "login 403   400   400   400   400   400   400   400",
  },
  "resources.new": {
    path: () => "/resources/new",
    get:  "login 403   403   200   200   200   200   200   200",
    post: "login 403   403   400   400   400   400   400   400",
  },
  "resources.$id": {
    path: (i) => `/resources/${i.resourceId}`,
    get:  "go    go    go    go    go    go    go    go    go",
  },
  "stats.export": {
    path: () => "/stats/export?district=huli&format=xlsx",
    get:  "login 403   403   403   403   200   403   200   200",
  },
  "stats.chart": {
    path: () => "/stats/chart?district=huli&p=year&chart=academies-chart",
    get:  "login 403   403   403   403   200   403   200   200",
  },
  "surveys.$id": {
    path: (i) => `/surveys/${i.surveyA}`,
    get:  "200   200   200   200   200   200   200   200   200",
    post: "login 400   400   400   400   400   400   400   400",
  },
  "teach._index": {
    path: () => "/teach",
    get:  "login 200   200   200   200   200   200   200   200",
  },
  "teach_.checkin": {
    path: () => "/teach/checkin",
    get:  "login 200   200   200   200   200   200   200   200",
  },
  "teach_.runs.$id": {
    path: (i) => `/teach/runs/${i.runA}`,
    get:  "login 403   200   200   403   200   403   200   200",
  },
  "teach_.runs.$id_.roster[.]csv": {
    path: (i) => `/teach/runs/${i.runA}/roster.csv`,
    get:  "login 403   200   200   403   200   403   200   200",
  },
  "teach_.runs.$id_.roster[.]xlsx": {
    path: (i) => `/teach/runs/${i.runA}/roster.xlsx`,
    get:  "login 403   200   200   403   200   403   200   200",
  },
  "teach_.sessions.$id.attendance": {
    path: (i) => `/teach/sessions/${i.sessionA}/attendance`,
    get:  "login 403   200   200   403   403   403   403   200",
    post: "login 403   go    go    403   403   403   403   go",
  },
  "teach_.sessions.$id.checkin": {
    path: (i) => `/teach/sessions/${i.sessionA}/checkin`,
    get:  "login 403   200   200   403   403   403   403   200",
  },
  "teachers.$id": {
    path: (i) => `/teachers/${i.teacherId}`,
    get:  "200   200   200   200   200   200   200   200   200",
  },
  "topics.$id": {
    path: (i) => `/topics/${i.topicA}`,
    get:  "200   200   200   200   200   200   200   200   200",
  },
};
