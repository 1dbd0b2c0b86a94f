import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { PageHeader } from "~/components/layout";

export const meta: MetaFunction = () => [{ title: "开放数据接口 · 厦门社区书院" }];

/** The human page of the open data API (/api/v1), linked from /help. */
export default function ApiHelp() {
  return (
    <div className="container prose">
      <PageHeader
        title="开放数据接口"
        lead="小程序、城市门户可以用这些接口读取公开的课程、书院、班级、活动和统计数据。"
      />
      <ul>
        <li>
          <a href="/api/v1/courses">/api/v1/courses</a>：已发布课程（q 搜索、category 类别）
        </li>
        <li>
          <a href="/api/v1/academies">/api/v1/academies</a>：全市书院（district 区代码，如 huli）
        </li>
        <li>
          <a href="/api/v1/classes">/api/v1/classes</a>
          ：报名中和即将开课的班级（district、academy、category、available=1 只看有名额）
        </li>
        <li>
          <a href="/api/v1/activities">/api/v1/activities</a>
          ：活动（district、academy、from、to，日期 YYYY-MM-DD）
        </li>
        <li>
          <a href="/api/v1/stats/summary">/api/v1/stats/summary</a>
          ：统计指标（p=month|quarter|year|custom，from、to 为 YYYY-MM；district 或 academy）
        </li>
      </ul>
      <p>
        每个列表都分页：page 从 1 开始，limit 最多 100；返回的 meta.next 是下一页地址。响应带
        ETag，带上 If-None-Match 可得到 304。出错时返回 JSON：
        <code>
          {"{"}"error": {"{"}"code": "bad_limit", "message": "limit 不能超过 100。"{"}"}
          {"}"}
        </code>
        ，code 固定不变。
      </p>
      <p>
        接口说明（OpenAPI 3.1）：<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>
        。统计口径与各页面相同，见<Link to="/help">使用帮助</Link>。
      </p>
    </div>
  );
}
