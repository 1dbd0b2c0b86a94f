import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { myVolunteering, volunteerService } from "~/modules/community/volunteers.server";
import { hoursLabel } from "~/modules/learning/rules";
import { formatDate } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: "志愿服务证明 · 厦门社区书院" }];

/** 志愿服务证明: the same 志愿服务时长 as /me (teaching + confirmed community service). */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const db = getDb();
  return {
    name: actor.name,
    hours: volunteerService(db, actor.id),
    ...myVolunteering(db, actor),
    today: Date.now(),
  };
}

export default function VolunteerCertificate() {
  const d = useLoaderData<typeof loader>();
  return (
    <div className="container certificate-page">
      <p className="no-print breadcrumb">
        <Link to="/me">← 我的学习档案</Link>
      </p>
      {!d.hours ? (
        <p className="muted">
          还没有确认的志愿服务时长。报名做居民组织或活动的志愿者，服务后由书院确认时长。
        </p>
      ) : (
        <>
          <p className="no-print hint">用手机或电脑的“打印”功能可以打印或保存为 PDF（A4 纸）。</p>
          <article className="certificate" aria-label="志愿服务证明">
            <p className="certificate-org">厦门市社区书院</p>
            <h1 className="certificate-title">志愿服务证明</h1>
            <p className="certificate-name-line">
              <strong className="certificate-name">{d.name}</strong>：
            </p>
            <p className="certificate-body">
              累计志愿服务时长{" "}
              <strong data-testid="certificate-volunteer-hours">
                {hoursLabel(d.hours.minutes)}
              </strong>
              {d.hours.teachingMinutes
                ? `，其中授课 ${d.hours.sessions} 次（${hoursLabel(d.hours.teachingMinutes)}）`
                : ""}
              {d.hours.services
                ? `${d.hours.teachingMinutes ? "，" : "，其中"}社区志愿服务 ${d.hours.services} 次（${hoursLabel(d.hours.communityMinutes)}）`
                : ""}
              。特此证明。
            </p>
            <p className="certificate-sign">
              厦门市社区书院
              <br />
              {formatDate(d.today).replace(/周.$/, "")}
            </p>
          </article>
        </>
      )}
      {d.services.length ? (
        <section className="no-print">
          <h2>服务记录</h2>
          <ul className="stack">
            {d.services.map((s) => (
              <li key={s.id}>
                {s.serviceDate} ·{" "}
                {s.organisationName ??
                  (s.activityTitle ? `活动「${s.activityTitle}」` : "活动志愿服务")}{" "}
                · {hoursLabel(s.minutes)}
                {s.note ? ` · ${s.note}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {d.hours ? (
        <p className="no-print actions">
          <button type="button" className="button" onClick={() => window.print()}>
            打印证明
          </button>
        </p>
      ) : null}
    </div>
  );
}
