/**
 * Loaders and actions of the academy pages, shared by /hq/academies (HQ admins, every district)
 * and /district/academies (district centre staff, their own district, `?d=` when they have several).
 * Parse → one module call → respond; the module checks the scope again. The district pages add
 * their tab bar themselves (withDistrictTabs in the route).
 */
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect } from "@remix-run/node";
import { getDb } from "@db/client";
import { isHqAdmin, type Actor } from "~/modules/auth/permissions";
import { requireActor, requireActorWith } from "~/modules/auth/request.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, parseIdParam, parsePage } from "~/utils/http";
import { academyAdminSchema, academyInputSchema, academyListQuerySchema, formatBranches, toAcademyInput } from "./academies";
import {
  academyFormChoices,
  assertAdministersAcademy,
  closeAcademy,
  createAcademy,
  getAcademyForAdmin,
  listAcademiesForAdmin,
  reopenAcademy,
  updateAcademy,
} from "./academies-admin.server";
import { dayRangesText } from "./opening-hours";
import { listDistricts, requireStaffDistrict } from "./org.server";

export type Where = "hq" | "district";

/** Who may open the page, and the district centre's own district (with its tabs). */
function who(request: Request, where: Where) {
  if (where === "hq") return { actor: requireActorWith(request, isHqAdmin), district: null, base: "/hq/academies", keep: {} as Record<string, string> };
  const actor = requireActor(request);
  const { district, choices } = requireStaffDistrict(getDb(), actor, new URL(request.url).searchParams.get("d"));
  return {
    actor,
    // The route adds the tab bar (DISTRICT_TABS): modules do not import components.
    district: { id: district.id, name: district.name, centreName: district.centreName, several: choices.length > 1 },
    base: "/district/academies",
    keep: choices.length > 1 ? { d: String(district.id) } : ({} as Record<string, string>),
  };
}

function suffix(keep: Record<string, string>, extra = "") {
  const p = new URLSearchParams({ ...keep });
  if (extra) for (const [k, v] of new URLSearchParams(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : "";
}

export function academyListLoader(request: Request, where: Where) {
  const { actor, district, base, keep } = who(request, where);
  const db = getDb();
  const params = new URL(request.url).searchParams;
  const query = academyListQuerySchema.parse(Object.fromEntries(params));
  const districtId = district ? district.id : query.district;
  const list = listAcademiesForAdmin(db, actor, { districtId, q: query.q, status: query.status, page: parsePage(params) });
  return {
    district,
    base,
    keep,
    districts: district ? null : listDistricts(db).map((d) => ({ id: d.id, name: d.name })),
    filters: { q: query.q ?? "", district: query.district ? String(query.district) : "", status: query.status ?? "" },
    ...list,
  };
}

function choicesFor(actor: Actor, district: { id: number } | null) {
  const c = academyFormChoices(getDb(), actor);
  return district ? { districts: c.districts.filter((d) => d.id === district.id) } : c;
}

export function academyNewLoader(request: Request, where: Where) {
  const { actor, district, base, keep } = who(request, where);
  return { district, base, keep, choices: choicesFor(actor, district) };
}

export async function academyNewAction(request: Request, where: Where) {
  const { actor, base, keep } = who(request, where);
  const submission = parseWithZod(await readForm(request), { schema: academyInputSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const row = createAcademy(getDb(), actor, toAcademyInput(submission.value), clientIp(request));
    return redirect(`${base}/${row.id}${suffix(keep, "done=created")}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export function academyEditLoader(request: Request, idParam: string | undefined, where: Where) {
  const { actor, district, base, keep } = who(request, where);
  const data = getAcademyForAdmin(getDb(), actor, parseIdParam(idParam, "没有找到这所书院。"));
  const a = data.academy;
  const done = new URL(request.url).searchParams.get("done");
  return {
    district,
    base,
    keep,
    done: done === "created" ? "书院已建好。" : done === "saved" ? "已保存。" : done === "closed" ? "书院已关闭。" : done === "reopened" ? "书院已重新开放。" : null,
    choices: choicesFor(actor, district),
    academy: { id: a.id, slug: a.slug, name: a.name, closedAt: a.closedAt, closedReason: a.closedReason, districtName: data.districtName },
    oldHoursText: a.hours ? null : a.openingHours,
    defaults: {
      name: a.name,
      districtId: a.districtId,
      subdistrictId: a.subdistrictId,
      community: a.community,
      address: a.address,
      phone: a.phone,
      population: a.population,
      description: a.description,
      hours: a.hours ? a.hours.map(dayRangesText) : undefined,
      branches: formatBranches(data.branches),
    },
  };
}

export async function academyEditAction(request: Request, idParam: string | undefined, where: Where) {
  const { actor, base, keep } = who(request, where);
  const id = parseIdParam(idParam, "没有找到这所书院。");
  assertAdministersAcademy(getDb(), actor, id);
  const submission = parseWithZod(await readForm(request), { schema: academyAdminSchema });
  if (submission.status !== "success") return replyInvalid(submission);
  const db = getDb();
  const ip = clientIp(request);
  const v = submission.value;
  try {
    if (v.intent === "save") updateAcademy(db, actor, id, toAcademyInput(v), ip);
    else if (v.intent === "close") closeAcademy(db, actor, id, v, ip);
    else reopenAcademy(db, actor, id, ip);
    const done = v.intent === "save" ? "saved" : v.intent === "close" ? "closed" : "reopened";
    return redirect(`${base}/${id}${suffix(keep, `done=${done}`)}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}
