import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import type { OrderState } from "@db/schema/scheduling";
import { ORDER_STATE_LABELS } from "~/modules/scheduling/states";
import { DAYPART_LABELS, formatMoment, WEEKDAY_LABELS, type Daypart } from "~/utils/time";

const TONE: Record<OrderState, string> = {
  submitted: "warn",
  accepted: "ok",
  declined: "danger",
  withdrawn: "",
  scheduled: "ok",
};

export type OrderListRow = {
  id: number;
  state: OrderState;
  term: string;
  preferredWeekdays: number[];
  preferredDayparts: string[];
  note: string;
  handler: "hq" | "district";
  decisionNote: string;
  createdAt: number;
  courseCode: string;
  title: string;
  versionNo: number;
  categoryName: string;
  academyName: string;
  districtName: string;
  teacherName: string | null;
};

export function OrderStateBadge({ state }: { state: OrderState }) {
  return <span className={`badge ${TONE[state]}`}>{ORDER_STATE_LABELS[state]}</span>;
}

export function preferenceText(o: Pick<OrderListRow, "preferredWeekdays" | "preferredDayparts">) {
  const days = o.preferredWeekdays.map((d) => WEEKDAY_LABELS[d]).join("、");
  const parts = o.preferredDayparts.map((p) => DAYPART_LABELS[p as Daypart] ?? p).join("、");
  return [days, parts].filter(Boolean).join(" · ") || "时间不限";
}

/** One order as a card; `href` links the title, `children` are actions. */
export function OrderRow({
  order: o,
  showAcademy = true,
  href,
  children,
}: {
  order: OrderListRow;
  showAcademy?: boolean;
  href?: string;
  children?: ReactNode;
}) {
  return (
    <li className="card order-card" data-testid="order-row">
      <p className="class-card-meta">
        <OrderStateBadge state={o.state} />{" "}
        <span className="muted">
          #{o.id} · {formatMoment(o.createdAt)} 提交
        </span>
        {o.handler === "district" ? <span className="badge"> 区指导中心受理</span> : null}
      </p>
      <h3>{href ? <Link to={href}>{o.title}</Link> : o.title}</h3>
      <p className="muted">
        {o.courseCode} 第 {o.versionNo} 版 · {o.categoryName}
        {showAcademy ? ` · ${o.districtName} ${o.academyName}` : ""}
      </p>
      <p>
        学期：{o.term} · 希望：{preferenceText(o)}
        {o.note ? (
          <>
            <br />
            备注：{o.note}
          </>
        ) : null}
        {o.teacherName ? (
          <>
            <br />
            授课教师：<strong>{o.teacherName}</strong>
          </>
        ) : null}
        {o.state === "declined" && o.decisionNote ? (
          <>
            <br />
            <span className="error">婉拒原因：{o.decisionNote}</span>
          </>
        ) : null}
      </p>
      {children ? <div className="actions">{children}</div> : null}
    </li>
  );
}
