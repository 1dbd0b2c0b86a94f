import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { requireActor } from "~/modules/auth/request.server";
import { hoursLabel } from "~/modules/learning/rules";
import { certificate } from "~/modules/learning/record.server";
import { formatDate } from "~/utils/dates";
import { parseIdParam } from "~/utils/http";
import { formatFormalDate } from "~/utils/dates";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `结业证书 · ${data.learner} · ${data.title}` : "结业证书" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = requireActor(request);
  const id = parseIdParam(params.enrollmentId, "没有找到这份结业证书。");
  return certificate(getDb(), actor, id);
}

export default function CertificatePage() {
  const c = useLoaderData<typeof loader>();
  return (
    <div className="container certificate-page">
      <p className="no-print breadcrumb">
        <Link to="/me">← 我的学习档案</Link>
      </p>
      <p className="no-print hint">用手机或电脑的“打印”功能可以打印或保存为 PDF（A4 纸）。</p>
      <article className="certificate" aria-label="结业证书">
        <p className="certificate-org">厦门市社区书院</p>
        <h1 className="certificate-title">结业证书</h1>
        <p className="certificate-name-line">
          <strong className="certificate-name" data-testid="certificate-name">
            {c.learner}
          </strong>
          ：
        </p>
        <p className="certificate-body">
          于 {formatFormalDate(c.firstAt)} 至 {formatFormalDate(c.lastAt)}，在
          {c.districtName}
          {c.academyName}参加
          <span className="certificate-course">「{c.title}」</span>
          学习，共 {c.planned} 次课，出勤 {c.attended} 次，学习时长 {hoursLabel(c.minutes)}
          ，准予结业。
        </p>
        <p className="certificate-body">特发此证。</p>
        <p className="certificate-sign">
          {c.academyName}
          <br />
          {formatDate(c.issuedAt).replace(/周.$/, "")}
        </p>
        <p className="certificate-no">证书编号：{c.number}</p>
      </article>
      <p className="no-print actions">
        <button type="button" className="button" onClick={() => window.print()}>
          打印证书
        </button>
      </p>
    </div>
  );
}
