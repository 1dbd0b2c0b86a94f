import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getDb } from "@db/client";
import { SearchForm } from "~/components/search-form";
import { countAcademiesByDistrict, listDistricts } from "~/modules/org/org.server";
import { listCategories } from "~/modules/catalog/categories.server";
import { textColorOn } from "~/modules/catalog/colors";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "厦门社区书院 · 家门口的学习平台" }];

export async function loader(_: LoaderFunctionArgs) {
  const db = getDb();
  const counts = new Map(countAcademiesByDistrict(db).map((c) => [c.districtId, c.n]));
  const districts = listDistricts(db).map((d) => ({
    code: d.code,
    name: d.name,
    academies: counts.get(d.id) ?? 0,
  }));
  const categories = listCategories(db).map((c) => ({
    slug: c.slug,
    name: c.name,
    color: c.color,
  }));
  return { districts, categories, total: districts.reduce((s, d) => s + d.academies, 0) };
}

export default function Home() {
  const { districts, categories, total } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="hero">
        <div className="container">
          <h1>家门口的社区书院</h1>
          <p className="lead">
            厦门市 {total}{" "}
            所社区书院遍布六个区，开展学习教育、组织孵化、群众议事和文体活动。在这里找课程、报名上课、记录您的学习。
          </p>
          <SearchForm
            id="home-q"
            action="/courses"
            label="搜索课程"
            placeholder="想学什么？如：太极拳、垃圾分类、防诈骗"
            maxLength={100}
          />
        </div>
      </section>
      <div className="container">
        <h2>课程分类</h2>
        <ul className="chips" data-testid="home-categories">
          {categories.map((c) => (
            <li key={c.slug}>
              <Link
                className="category-chip"
                style={{ background: c.color, color: textColorOn(c.color) }}
                to={`/courses?category=${c.slug}`}
              >
                {c.name}
              </Link>
            </li>
          ))}
        </ul>
        <h2>各区书院</h2>
        <ul className="card-grid">
          {districts.map((d) => (
            <li key={d.code} className="card">
              <Link className="card-link" to={`/academies?district=${d.code}`}>
                <h3>{d.name}</h3>
                <p className="muted">{d.academies} 所社区书院</p>
              </Link>
            </li>
          ))}
        </ul>
        <p>
          <Link className="button secondary" to="/academies">
            查看全部书院
          </Link>
        </p>
      </div>
    </>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = {
  cacheTopics: ["catalog", "network"],
} satisfies CacheHandle;
