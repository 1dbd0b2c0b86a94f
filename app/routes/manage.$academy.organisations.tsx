import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors } from "~/components/forms";
import { requireActor } from "~/modules/auth/request.server";
import {
  ORG_STAGE_LABELS,
  ORG_TYPE_LABELS,
  organisationInput,
} from "~/modules/community/groups-labels";
import {
  createOrganisation,
  listManagedOrganisations,
} from "~/modules/community/organisations.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { formatDate } from "~/utils/dates";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";

export const meta: MetaFunction = () => [{ title: "居民组织 · 书院管理" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return { orgs: listManagedOrganisations(db, actor, academy.id) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema: organisationInput });
  if (submission.status !== "success") return replyInvalid(submission);
  try {
    const org = createOrganisation(db, actor, academy.id, submission.value, clientIp(request));
    return redirect(`/organisations/${org.id}?done=created`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

export default function ManageOrganisations() {
  const { orgs } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm<{
    name: string;
    type: string;
    description: string;
    leaderPhone: string;
  }>({
    id: "new-org",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: organisationInput }),
    shouldValidate: "onSubmit",
  });
  return (
    <>
      <h1>居民组织（组织孵化）</h1>
      {params.get("done") ? <p className="notice">已登记。</p> : null}
      {orgs.length === 0 ? <p className="muted">还没有登记的居民组织。</p> : null}
      <ul className="stack" data-testid="manage-orgs">
        {orgs.map((o) => (
          <li key={o.id} className="card">
            <Link to={`/organisations/${o.id}`}>
              <strong>{o.name}</strong>
            </Link>{" "}
            <span className="tag">{ORG_STAGE_LABELS[o.stage]}</span>
            <p className="muted">
              {ORG_TYPE_LABELS[o.type]} · 负责人 {o.leaderName} · 成员 {o.members} 人 ·{" "}
              {formatDate(o.stageChangedAt)}起
              {o.pending ? <strong> · 待审核 {o.pending} 份</strong> : null}
            </p>
          </li>
        ))}
      </ul>
      <h2>登记新组织</h2>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} id={form.errorId} />
        <Field label="组织名称" meta={fields.name} hint="例如：金山合唱团、夕阳红志愿服务队" />
        <div className={`field${fields.type.errors?.length ? " has-error" : ""}`}>
          <label htmlFor={fields.type.id}>类型</label>
          <select
            id={fields.type.id}
            name="type"
            defaultValue={fields.type.initialValue ?? "culture"}
          >
            {Object.entries(ORG_TYPE_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          {fields.type.errors?.length ? (
            <p className="error" role="alert">
              {fields.type.errors.join("；")}
            </p>
          ) : null}
        </div>
        <Field
          label="负责人手机号"
          meta={fields.leaderPhone}
          type="tel"
          hint="负责人须已注册账号；登记后由他审核入会申请。"
        />
        <div className="field">
          <label htmlFor={fields.description.id}>简介（选填）</label>
          <textarea
            id={fields.description.id}
            name="description"
            rows={3}
            maxLength={500}
            defaultValue={fields.description.initialValue ?? ""}
          />
          {fields.description.errors?.length ? (
            <p className="error" role="alert">
              {fields.description.errors.join("；")}
            </p>
          ) : null}
        </div>
        <button type="submit">登记（阶段：筹备）</button>
      </Form>
    </>
  );
}
