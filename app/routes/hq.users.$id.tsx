import { getFormProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { FormErrors } from "~/components/forms";
import { isHqAdmin, ROLE_LABELS, ROLE_SCOPE, ROLES } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { grantRole, listUserRoles, revokeRole } from "~/modules/auth/roles.server";
import { getUser, revealPhone } from "~/modules/auth/users.server";
import { maskPhonesIn } from "~/modules/auth/audit.server";
import { listAcademies, listDistricts } from "~/modules/org/org.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp, notFound, parseIdParam } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "管理角色 · 总部" }];

const grantSchema = z.object({
  intent: z.literal("grant"),
  role: z.enum(ROLES, { error: "请选择角色" }),
  districtId: z.coerce.number().int().positive().optional(),
  academyId: z.coerce.number().int().positive().optional(),
});
const revokeSchema = z.object({ intent: z.literal("revoke"), grantId: z.coerce.number().int() });
const revealSchema = z.object({ intent: z.literal("reveal-phone") });
const schema = z.discriminatedUnion("intent", [grantSchema, revokeSchema, revealSchema]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  requireActorWith(request, isHqAdmin);
  const db = getDb();
  const user = getUser(db, parseIdParam(params.id, "没有这个用户。"));
  if (!user) notFound("没有这个用户。");
  return {
    // Masked unless the admin deliberately opens the full number (audited, below).
    user: { ...user, phone: maskPhonesIn(user.phone) },
    roles: listUserRoles(db, user.id),
    districts: listDistricts(db).map((d) => ({ id: d.id, name: d.name })),
    academies: listAcademies(db).map((a) => ({
      id: a.id,
      name: a.name,
      districtName: a.districtName,
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActorWith(request, isHqAdmin);
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const db = getDb();
  try {
    if (submission.value.intent === "reveal-phone") {
      return {
        revealed: revealPhone(
          db,
          actor,
          parseIdParam(params.id, "没有这个用户。"),
          clientIp(request),
        ),
      };
    }
    if (submission.value.intent === "grant") {
      const { role, districtId, academyId } = submission.value;
      const scopeId = ROLE_SCOPE[role] === "district" ? districtId : academyId;
      grantRole(
        db,
        actor,
        { userId: parseIdParam(params.id, "没有这个用户。"), role, scopeId },
        clientIp(request),
      );
      return redirect(`/hq/users/${params.id}?done=grant`);
    }
    revokeRole(db, actor, submission.value.grantId, clientIp(request));
    return redirect(`/hq/users/${params.id}?done=revoke`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function HqUserRoles() {
  const { user, roles, districts, academies } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const revealed = reply && "revealed" in reply ? reply.revealed : null;
  const lastResult = reply && "revealed" in reply ? undefined : reply;
  const [params] = useSearchParams();
  const [form, fields] = useForm({ lastResult, id: "grant" });
  const byDistrict = new Map<string, typeof academies>();
  for (const a of academies)
    byDistrict.set(a.districtName, [...(byDistrict.get(a.districtName) ?? []), a]);
  return (
    <>
      <p>
        <Link to="/hq/users">← 用户列表</Link>
      </p>
      <h1>
        {user.name} <span className="muted">{revealed ?? user.phone}</span>
      </h1>
      {revealed ? (
        <p className="notice" role="status">
          已显示完整手机号，这次查看已记入审计日志。
        </p>
      ) : (
        <Form method="post">
          <input type="hidden" name="intent" value="reveal-phone" />
          <button type="submit" className="secondary small">
            查看完整手机号（记入审计日志）
          </button>
        </Form>
      )}
      {params.get("done") === "grant" ? (
        <p className="notice">角色已授予，并已记入审计日志。</p>
      ) : null}
      {params.get("done") === "revoke" ? (
        <p className="notice">角色已撤销，并已记入审计日志。</p>
      ) : null}
      <h2>现有角色</h2>
      {roles.length === 0 ? <p>只有居民身份。</p> : null}
      <ul className="stack" data-testid="role-list">
        {roles.map((r) => (
          <li key={r.id} className="inline-form">
            <span>
              {r.label}（{r.scope}）
            </span>
            <Form method="post">
              <input type="hidden" name="intent" value="revoke" />
              <input type="hidden" name="grantId" value={r.id} />
              <button type="submit" className="secondary small">
                撤销
              </button>
            </Form>
          </li>
        ))}
      </ul>
      <h2>授予角色</h2>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="grant" />
        <div className="field">
          <label htmlFor={fields.role.id}>角色</label>
          <select {...getSelectProps(fields.role)} key={fields.role.key}>
            <option value="">请选择</option>
            {ROLES.filter((r) => r !== "resident").map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          {fields.role.errors ? <p className="error">{fields.role.errors.join("；")}</p> : null}
        </div>
        <div className="field">
          <label htmlFor="districtId">区（区指导中心角色）</label>
          <select id="districtId" name="districtId" defaultValue="">
            <option value="">—</option>
            {districts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="academyId">书院（书院管理员角色）</label>
          <select id="academyId" name="academyId" defaultValue="">
            <option value="">—</option>
            {[...byDistrict.entries()].map(([d, list]) => (
              <optgroup key={d} label={d}>
                {list.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          {form.allErrors.scopeId ? (
            <p className="error">{form.allErrors.scopeId.join("；")}</p>
          ) : null}
        </div>
        <button type="submit">授予</button>
      </Form>
    </>
  );
}
