import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { getAcademyBySlug } from "~/modules/org/org.server";
import { notFound } from "~/utils/http";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.academy.name} · 厦门社区书院` : "书院 · 厦门社区书院" },
];

export async function loader({ params }: LoaderFunctionArgs) {
  const academy = getAcademyBySlug(getDb(), params.slug ?? "");
  if (!academy) notFound("没有找到这所书院。");
  return { academy };
}

export default function AcademyPage() {
  const { academy } = useLoaderData<typeof loader>();
  return (
    <div className="container">
      <p>
        <Link to={`/academies?district=${academy.districtCode}`}>← {academy.districtName}的书院</Link>
      </p>
      <h1>{academy.name}</h1>
      {academy.description ? <p className="lead">{academy.description}</p> : null}
      <dl className="facts">
        <dt>所在区</dt>
        <dd>{academy.districtName}</dd>
        <dt>街道</dt>
        <dd>{academy.subdistrictName}</dd>
        <dt>地址</dt>
        <dd>{academy.address}</dd>
        <dt>开放时间</dt>
        <dd>{academy.openingHours}</dd>
        <dt>联系电话</dt>
        <dd>{academy.phone ? <a href={`tel:${academy.phone}`}>{academy.phone}</a> : "—"}</dd>
        <dt>社区常住人口</dt>
        <dd>{academy.population.toLocaleString("zh-CN")} 人</dd>
        <dt>指导单位</dt>
        <dd>{academy.centreName}</dd>
      </dl>
      {academy.branches.length ? (
        <>
          <h2>分院</h2>
          <ul>
            {academy.branches.map((b) => (
              <li key={b.id}>
                {b.name}：{b.address}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
