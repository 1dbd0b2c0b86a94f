/**
 * Every navigation entry a person is offered — the header menu and the tab bars — in one place.
 * Each entry names the same permission check its route uses, so nobody is shown a link that
 * answers 403. Adding an entry is one line here (tests/e2e/crawl.spec.ts crawls every link
 * for every role and fails on a 403, 404 or 500).
 */
import type { Actor } from "~/modules/auth/permissions";
import { hasRole, isHq, isHqAdmin, managedAcademyIds, staffDistrictIds } from "~/modules/auth/permissions";
import { canAuthorSomeCourse } from "~/modules/catalog/courses";
import { canBrowseResources, canManageResources } from "~/modules/catalog/resources";
import { canManageTeachers } from "~/modules/catalog/teachers";

type Who = (actor: Actor | null) => boolean;

export type NavEntry = {
  to: string;
  label: string;
  /** Same check as the route's loader. */
  show: Who;
  /** Match only the exact path for aria-current (an index page whose children have their own tab). */
  end?: boolean;
  /** A count shown beside the label (the header's unread 消息). */
  badge?: "unread";
};

/** What a rendered entry carries to the browser. */
export type NavItem = { to: string; label: string; end?: boolean; badge?: "unread" };

const anyone: Who = () => true;
const signedIn: Who = (a) => !!a;
const signedInWith = (check: (a: Actor) => boolean): Who => (a) => !!a && check(a);

/** /manage: the academies granted to the person, or any academy for an HQ admin. */
export function canOpenManage(actor: Actor | null | undefined) {
  return managedAcademyIds(actor).length > 0 || isHqAdmin(actor);
}

/** /district: district centre staff (HQ reads districts through 总部). */
export function isDistrictStaff(actor: Actor | null | undefined) {
  return staffDistrictIds(actor).length > 0;
}

/** The header: a bar on wide screens, the 菜单 on phones. Sign-in, sign-out and the name follow it. */
export const SITE_MENU: NavEntry[] = [
  { to: "/courses", label: "课程库", show: anyone },
  { to: "/classes", label: "找课程班", show: anyone },
  { to: "/activities", label: "社区活动", show: anyone },
  { to: "/academies", label: "找书院", show: anyone },
  { to: "/me", label: "我的", show: signedIn, end: true },
  { to: "/me/classes", label: "我的课程", show: signedIn },
  { to: "/teach", label: "我的授课", show: signedInWith((a) => hasRole(a, "teacher")) },
  { to: "/manage", label: "书院管理", show: signedInWith(canOpenManage) },
  { to: "/district", label: "区指导中心", show: signedInWith(isDistrictStaff) },
  // District centres author 区级流动课程, academies 社区特色课程; HQ reaches the editor from 总部.
  { to: "/hq/courses", label: "编写课程", show: signedInWith((a) => !isHq(a) && canAuthorSomeCourse(a)) },
  // Teachers, managers and district staff browse the library here; HQ keeps it under 总部.
  { to: "/resources", label: "资源库", show: signedInWith((a) => !isHq(a) && canBrowseResources(a)) },
  { to: "/hq", label: "总部", show: signedInWith(isHq) },
  { to: "/me/messages", label: "消息", show: signedIn, badge: "unread" },
];

/** The 总部 tab bar (app/routes/hq.tsx). */
export const HQ_TABS: NavEntry[] = [
  { to: "/hq", label: "总部首页", show: signedInWith(isHq), end: true },
  { to: "/hq/courses", label: "课程库", show: signedInWith(canAuthorSomeCourse) },
  { to: "/hq/categories", label: "分类", show: signedInWith(isHq) },
  { to: "/hq/academies", label: "书院", show: signedInWith(isHqAdmin) },
  { to: "/hq/users", label: "用户与角色", show: signedInWith(isHqAdmin) },
  { to: "/hq/resources", label: "资源库", show: signedInWith(canManageResources) },
  { to: "/hq/teachers", label: "师资库", show: signedInWith(canManageTeachers) },
  { to: "/hq/orders", label: "点单受理", show: signedInWith(isHq) },
  { to: "/hq/evaluations", label: "学员评价", show: signedInWith(isHq) },
  { to: "/hq/stats", label: "统计", show: signedInWith(isHq) },
  { to: "/hq/holidays", label: "节假日", show: signedInWith(isHq) },
  { to: "/hq/audit", label: "审计日志", show: signedInWith(isHq) },
  { to: "/hq/system", label: "系统状态", show: signedInWith(isHqAdmin) },
];

/** The 书院管理 tab bar of one academy (app/routes/manage.$academy.tsx); `:base` is /manage/<slug>.
 * Every page checks the same thing as the layout (requireManagedAcademy). */
export const MANAGE_TABS: NavEntry[] = [
  { to: ":base", label: "周课表", show: signedInWith(canOpenManage), end: true },
  { to: ":base/runs", label: "开课", show: signedInWith(canOpenManage) },
  { to: ":base/activities", label: "活动", show: signedInWith(canOpenManage) },
  { to: ":base/orders", label: "点单", show: signedInWith(canOpenManage) },
  { to: ":base/demand", label: "想学", show: signedInWith(canOpenManage) },
  { to: ":base/attendance", label: "出勤", show: signedInWith(canOpenManage) },
  { to: ":base/evaluations", label: "评价", show: signedInWith(canOpenManage) },
  { to: ":base/stats", label: "统计", show: signedInWith(canOpenManage) },
  { to: ":base/rooms", label: "教室", show: signedInWith(canOpenManage) },
  { to: ":base/closed", label: "闭馆日", show: signedInWith(canOpenManage) },
  { to: ":base/organisations", label: "居民组织", show: signedInWith(canOpenManage) },
  { to: ":base/topics", label: "议事", show: signedInWith(canOpenManage) },
  { to: ":base/proposals", label: "课程公示", show: signedInWith(canOpenManage) },
  { to: ":base/volunteers", label: "志愿者", show: signedInWith(canOpenManage) },
];

/** The 区指导中心 tab bar (app/components/district-nav.tsx); pages check requireStaffDistrict. */
export const DISTRICT_TABS: NavEntry[] = [
  { to: "/district", label: "本区书院", show: signedInWith(isDistrictStaff), end: true },
  { to: "/district/academies", label: "书院档案", show: signedInWith(isDistrictStaff) },
  { to: "/district/runs", label: "开课", show: signedInWith(isDistrictStaff) },
  { to: "/district/orders", label: "点单", show: signedInWith(isDistrictStaff) },
  { to: "/district/evaluations", label: "评价", show: signedInWith(isDistrictStaff) },
  { to: "/district/organisations", label: "居民组织", show: signedInWith(isDistrictStaff) },
  { to: "/district/teachers", label: "师资", show: signedInWith(isDistrictStaff) },
  { to: "/district/stats", label: "统计", show: signedInWith(isDistrictStaff) },
];

/** The entries of a list this person may open, ready to render; `base` fills `:base`. */
export function visibleEntries(list: NavEntry[], actor: Actor | null | undefined, base = ""): NavItem[] {
  return list
    .filter((e) => e.show(actor ?? null))
    .map(({ to, label, end, badge }) => ({ to: to.replace(":base", base), label, ...(end ? { end } : {}), ...(badge ? { badge } : {}) }));
}

/** The header menu for this person (signed out: the public entries only). */
export function menuFor(actor: Actor | null | undefined) {
  return visibleEntries(SITE_MENU, actor);
}
