import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { getDb } from "@db/client";
import { Field, FormErrors } from "~/components/forms";
import { FieldError, initialList } from "~/components/schedule";
import { requireActor } from "~/modules/auth/request.server";
import { ROOM_EQUIPMENT, roomSchema } from "~/modules/org/rooms";
import {
  createRoom,
  listBranches,
  listRooms,
  setRoomArchived,
  updateRoom,
} from "~/modules/org/rooms.server";
import { requireManagedAcademy } from "~/modules/scheduling/access.server";
import { readForm } from "~/utils/csrf.server";
import { replyInvalid, replyWithUserError } from "~/utils/forms.server";
import { clientIp } from "~/utils/http";
import { z } from "~/utils/zod";

export const meta: MetaFunction = () => [{ title: "教室 · 书院管理" }];

const schema = z.discriminatedUnion("intent", [
  roomSchema.extend({
    intent: z.literal("save"),
    roomId: z.preprocess(
      (v) => (v === "" ? undefined : v),
      z.coerce.number().int().positive().optional(),
    ),
  }),
  z.object({
    intent: z.literal("archive"),
    roomId: z.coerce.number().int().positive(),
    archived: z.enum(["1", "0"]),
  }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  return {
    slug: academy.slug,
    rooms: listRooms(db, academy.id, { includeArchived: true }),
    branches: listBranches(db, academy.id),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  const academy = requireManagedAcademy(db, actor, params.academy ?? "");
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return replyInvalid(submission);
  const v = submission.value;
  try {
    if (v.intent === "archive") {
      setRoomArchived(db, actor, v.roomId, v.archived === "1", clientIp(request));
      return redirect(
        `/manage/${academy.slug}/rooms?done=${v.archived === "1" ? "archived" : "restored"}`,
      );
    }
    const { intent: _i, roomId, ...input } = v;
    if (roomId) updateRoom(db, actor, roomId, input, clientIp(request));
    else createRoom(db, actor, academy.id, input, clientIp(request));
    return redirect(`/manage/${academy.slug}/rooms?done=${roomId ? "updated" : "created"}`);
  } catch (e) {
    return replyWithUserError(submission, e);
  }
}

const DONE: Record<string, string> = {
  created: "教室已添加。",
  updated: "教室已保存。",
  archived: "教室已停用，历史课次仍保留。",
  restored: "教室已恢复使用。",
};

type RoomForm = {
  name: string;
  capacity: string;
  floor: string;
  stepFree: string;
  equipment: string[];
  openingHours: string;
  branchId: string;
  note: string;
};

export default function Rooms() {
  const { slug, rooms, branches } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const editing = rooms.find((r) => String(r.id) === params.get("edit")) ?? null;
  const [form, fields] = useForm<RoomForm>({
    id: `room-${editing?.id ?? "new"}`,
    lastResult,
    defaultValue: editing
      ? {
          name: editing.name,
          capacity: String(editing.capacity),
          floor: editing.floor,
          stepFree: editing.stepFree ? "on" : "",
          equipment: editing.equipment,
          openingHours: editing.openingHours,
          branchId: editing.branchId ? String(editing.branchId) : "",
          note: editing.note,
        }
      : undefined,
  });
  const equipment = initialList(fields.equipment, editing?.equipment ?? []);
  return (
    <>
      <h1>教室与场地</h1>
      {params.get("done") ? <p className="notice">{DONE[params.get("done")!]}</p> : null}
      {rooms.length === 0 ? <p>还没有教室。添加第一间教室后就可以排课了。</p> : null}
      <ul className="card-grid" data-testid="room-list">
        {rooms.map((r) => (
          <li key={r.id} className={`card${r.archivedAt ? " muted-card" : ""}`}>
            <h3>
              {r.name} {r.archivedAt ? <span className="badge">已停用</span> : null}
            </h3>
            <p>
              容纳 {r.capacity} 人{r.floor ? ` · ${r.floor}` : ""}
              {r.stepFree ? " · 无障碍" : ""}
              {r.branchName ? ` · ${r.branchName}` : ""}
            </p>
            {r.equipment.length ? <p className="muted">设备：{r.equipment.join("、")}</p> : null}
            {r.openingHours ? <p className="muted">开放：{r.openingHours}</p> : null}
            <div className="actions">
              <Link className="button secondary small" to={`?edit=${r.id}#room-form`}>
                修改
              </Link>
              <Form method="post">
                <input type="hidden" name="intent" value="archive" />
                <input type="hidden" name="roomId" value={r.id} />
                <input type="hidden" name="archived" value={r.archivedAt ? "0" : "1"} />
                <button type="submit" className="secondary small">
                  {r.archivedAt ? "恢复使用" : "停用"}
                </button>
              </Form>
            </div>
          </li>
        ))}
      </ul>
      <h2 id="room-form">{editing ? `修改「${editing.name}」` : "添加教室"}</h2>
      <Form method="post" {...getFormProps(form)} className="form" key={editing?.id ?? "new"}>
        <FormErrors errors={form.errors} id={form.errorId} />
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="roomId" value={editing?.id ?? ""} />
        <Field label="教室名称" meta={fields.name} />
        <Field label="容纳人数" meta={fields.capacity} type="number" inputMode="numeric" min={1} />
        <Field label="楼层" meta={fields.floor} hint="例如：一层、3F" />
        <div className="field check-field">
          <label className="check-chip" htmlFor="room-stepFree">
            <input
              {...getInputProps(fields.stepFree, { type: "checkbox" })}
              id="room-stepFree"
              key={fields.stepFree.key}
            />
            无障碍（平层或有电梯，轮椅可到）
          </label>
        </div>
        <fieldset className="field">
          <legend className="label">设备</legend>
          <div className="check-row">
            {ROOM_EQUIPMENT.map((e) => (
              <label key={e} className="check-chip" htmlFor={`eq-${e}`}>
                <input
                  type="checkbox"
                  id={`eq-${e}`}
                  name="equipment"
                  value={e}
                  defaultChecked={equipment.includes(e)}
                />
                {e}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="开放时间" meta={fields.openingHours} hint="不填则按书院开放时间" />
        {branches.length ? (
          <div className="field">
            <label htmlFor={fields.branchId.id}>所在分院</label>
            <select
              id={fields.branchId.id}
              name={fields.branchId.name}
              defaultValue={String(fields.branchId.initialValue ?? "")}
            >
              <option value="">书院本部</option>
              {branches.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.name}
                </option>
              ))}
            </select>
            <FieldError meta={fields.branchId} />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={fields.note.id}>备注</label>
          <textarea {...getTextareaProps(fields.note)} key={fields.note.key} rows={3} />
          <FieldError meta={fields.note} />
        </div>
        <p className="actions">
          <button type="submit">{editing ? "保存" : "添加教室"}</button>
          {editing ? (
            <Link className="button secondary" to={`/manage/${slug}/rooms`}>
              取消修改
            </Link>
          ) : null}
        </p>
      </Form>
    </>
  );
}
