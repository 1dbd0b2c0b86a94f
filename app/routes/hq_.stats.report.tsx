import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { StatCards, StatTable } from "~/components/stats";
import { isHq } from "~/modules/auth/permissions";
import { requireActorWith } from "~/modules/auth/request.server";
import { loadAnnualReport } from "~/modules/stats/pages.server";
import { formatDateTime } from "~/utils/dates";
import statsCss from "~/styles/stats.css";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.year ?? ""} 年度报告 · 厦门社区书院` },
];
export const links: LinksFunction = () => [{ rel: "stylesheet", href: statsCss }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = requireActorWith(request, isHq);
  return loadAnnualReport(getDb(), actor, new URL(request.url));
}

/** 年度报告: one printable page (A4, its own print styles) for the city's annual figures. */
export default function AnnualReport() {
  const { year, generatedAt, dashboard: d, tables } = useLoaderData<typeof loader>();
  return (
    <div className="container report-page">
      <p className="no-print">
        <Link to="/hq/stats">← 返回全市统计</Link>（用浏览器的“打印”即可打印为 A4 或保存为 PDF）
      </p>
      <h1>厦门市社区书院 {year} 年度报告</h1>
      <p className="muted">
        统计期 {d.period.label}，与 {d.previous.label} 比较；生成于 {formatDateTime(generatedAt)}
        。各项口径见指标下方说明。
      </p>
      <StatCards cards={d.cards} previousLabel={d.previous.label} />
      <section className="stat-block">
        <h2>各区对比</h2>
        <StatTable table={tables.districts} />
      </section>
      {d.charts.map((c) => (
        <section key={c.id} className="stat-block">
          <h2>{c.title}</h2>
          <div className="chart-box" dangerouslySetInnerHTML={{ __html: c.svg }} />
        </section>
      ))}
      <section className="stat-block">
        <h2>课程类别</h2>
        <StatTable table={tables.categories} />
      </section>
      <section className="stat-block">
        <h2>热门课程</h2>
        <StatTable table={tables.topCourses} />
      </section>
      <section className="stat-block">
        <h2>参与人次最多的书院</h2>
        <StatTable table={tables.topAcademies} />
      </section>
    </div>
  );
}
