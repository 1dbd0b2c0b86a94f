/**
 * 想学 on a course page. Drop `<WantToLearn code={course.code} />` into the page: without
 * JavaScript it is a link to /courses/:code/want (a full page with the same form); with
 * JavaScript the panel loads there and posts there inline.
 */
import {
  Form,
  Link,
  useActionData,
  useFetcher,
  useLocation,
  useSearchParams,
} from "@remix-run/react";
import { useEffect } from "react";

export type WantPanelData = {
  panel: {
    course: { id: number; code: string; title: string; orderable: boolean };
    total: number;
    neighbours: number;
    focusAcademy: { id: number; name: string } | null;
    mine: { academyId: number; academyName: string; academySlug: string } | null;
    signedIn: boolean;
    homeAcademyId: number | null;
  };
  academies: readonly { id: number; name: string; districtName: string }[];
  error: string | null;
};

export function WantToLearn({ code }: { code: string }) {
  const fetcher = useFetcher<WantPanelData>();
  const href = `/courses/${encodeURIComponent(code)}/want`;
  useEffect(() => {
    if (fetcher.state === "idle" && !fetcher.data) fetcher.load(href);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [href]);
  if (!fetcher.data) {
    return (
      <section className="want-panel" aria-labelledby="want-h" data-testid="want-panel">
        <h2 id="want-h">想学这门课？</h2>
        <p>告诉家门口的书院您想学，想学的人多了，书院就会向总部点单开课。</p>
        <p>
          <Link className="button" to={href}>
            我想学
          </Link>
        </p>
      </section>
    );
  }
  return <WantToLearnPanel data={fetcher.data} inline fetcher={fetcher} />;
}

export function WantToLearnPanel({
  data,
  inline,
  fetcher,
}: {
  data: WantPanelData;
  inline: boolean;
  fetcher?: ReturnType<typeof useFetcher<WantPanelData>>;
}) {
  const actionData = useActionData<WantPanelData>();
  const view = (inline ? fetcher?.data : actionData) ?? data;
  const { panel, academies, error } = view;
  const location = useLocation();
  const [params] = useSearchParams();
  const FormEl = inline && fetcher ? fetcher.Form : Form;
  const action = `/courses/${encodeURIComponent(panel.course.code)}/want`;
  const busy = fetcher ? fetcher.state !== "idle" : false;
  const selected = panel.mine?.academyId ?? panel.homeAcademyId ?? "";
  const byDistrict = new Map<string, typeof academies>();
  for (const a of academies)
    byDistrict.set(a.districtName, [...(byDistrict.get(a.districtName) ?? []), a]);
  return (
    <section className="want-panel" aria-labelledby="want-h" data-testid="want-panel">
      <h2 id="want-h">{panel.mine ? "您已标记想学" : "想学这门课？"}</h2>
      <p aria-live="polite" data-testid="want-summary">
        全市有 <strong data-testid="want-total">{panel.total}</strong> 位居民想学这门课
        {panel.focusAcademy ? (
          <>
            ，其中在{panel.focusAcademy.name}有{" "}
            <strong data-testid="want-neighbours">{panel.neighbours}</strong> 位
            {panel.mine ? "邻居和您一样" : "邻居"}想学
          </>
        ) : null}
        。
      </p>
      {!inline && params.get("done") === "want" ? (
        <p className="notice">已记下！书院管理员会看到大家的想学，够多人就会点单开课。</p>
      ) : null}
      {!inline && params.get("done") === "withdraw" ? <p className="notice">已取消想学。</p> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {!panel.signedIn ? (
        <p>
          <Link
            className="button"
            to={`/login?redirectTo=${encodeURIComponent(location.pathname)}`}
          >
            登录后标记想学
          </Link>
        </p>
      ) : !panel.course.orderable ? (
        <p className="muted">这门课程目前不开放想学。</p>
      ) : (
        <>
          <FormEl method="post" action={action} className="inline-form">
            {inline ? <input type="hidden" name="inline" value="1" /> : null}
            <input type="hidden" name="intent" value="want" />
            <div className="field">
              <label htmlFor="want-academy">在哪所书院学</label>
              <select
                id="want-academy"
                name="academyId"
                defaultValue={String(selected)}
                key={String(selected)}
              >
                <option value="">请选择书院</option>
                {[...byDistrict.entries()].map(([d, list]) => (
                  <optgroup key={d} label={d}>
                    {list.map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.name}
                        {a.id === panel.homeAcademyId ? "（我家附近）" : ""}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
            <button type="submit" disabled={busy}>
              {panel.mine ? "改到这所书院" : "我想学"}
            </button>
          </FormEl>
          {panel.mine ? (
            <FormEl method="post" action={action}>
              {inline ? <input type="hidden" name="inline" value="1" /> : null}
              <input type="hidden" name="intent" value="withdraw" />
              <p className="muted">
                您在{panel.mine.academyName}标记了想学。{" "}
                <button type="submit" className="secondary small" disabled={busy}>
                  不想学了
                </button>
              </p>
            </FormEl>
          ) : null}
        </>
      )}
    </section>
  );
}
