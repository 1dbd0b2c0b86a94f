/**
 * Autosave endpoint of the course editor (a resource route the editor posts the whole form to).
 * Answers JSON: { ok: true, revision, savedAt, versionNo } or { ok: false, message, field? }.
 */
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs } from "@remix-run/node";
import { getDb } from "@db/client";
import { getActor } from "~/modules/auth/request.server";
import { editCourseFormSchema } from "~/modules/catalog/courses";
import { saveDraft } from "~/modules/catalog/courses.server";
import { readForm } from "~/utils/csrf.server";
import { isUserError } from "~/utils/errors";

export type DraftSaveResult =
  | { ok: true; revision: string; savedAt: number; versionNo: number; created: boolean }
  | { ok: false; message: string; field?: string };

const json = (body: DraftSaveResult, status = 200) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
const fail = (status: number, message: string, field?: string) =>
  json({ ok: false, message, field }, status);

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = getActor(request);
  if (!actor) return fail(401, "登录已过期，修改尚未保存。请在新窗口重新登录后，回到这里再保存。");
  const id = Number(params.id);
  if (!Number.isInteger(id) || id <= 0) return fail(404, "没有这门课程。");
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema: editCourseFormSchema });
  if (submission.status !== "success") {
    const [field, messages] =
      Object.entries(submission.error ?? {}).find(([, m]) => m?.length) ?? [];
    return fail(400, messages?.[0] ?? "内容有误，请检查后再保存。", field);
  }
  try {
    const r = saveDraft(getDb(), actor, id, submission.value);
    return json({
      ok: true,
      revision: r.revision,
      savedAt: r.version.updatedAt,
      versionNo: r.version.versionNo,
      created: r.created,
    });
  } catch (e) {
    if (isUserError(e)) return fail(e.code === "stale_draft" ? 409 : 400, e.message, e.field);
    if (e instanceof Response && e.status === 403) return fail(403, "您没有编辑这门课程的权限。");
    throw e;
  }
}

export function loader() {
  return new Response("请从课程编辑页保存。", {
    status: 405,
    headers: { Allow: "POST", "Content-Type": "text/plain; charset=utf-8" },
  });
}
