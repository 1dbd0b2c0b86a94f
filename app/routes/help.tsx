import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { PageHeader } from "~/components/layout";
import type { CacheHandle } from "~/utils/html-cache.server";

export const meta: MetaFunction = () => [{ title: "使用帮助 · 厦门社区书院" }];

/** A static page (no loader of its own): how residents use the platform. The benchmarks also use
 * it as the trivial page that every other page is compared with. */
export default function Help() {
  return (
    <div className="container prose">
      <PageHeader
        title="使用帮助"
        lead="在家门口的社区书院找课、报名、签到和记录学习，几步就能学会。"
      />
      <section aria-labelledby="help-find">
        <h2 id="help-find">找课程</h2>
        <p>
          打开<Link to="/classes">找课程</Link>
          ，可以按区、书院、分类、星期几、上午/下午/晚上和剩余名额筛选，也可以直接搜索，如“太极拳”“防诈骗”。
          想先了解课程内容，可以看<Link to="/courses">中央厨房课程库</Link>
          ；在课程页点“想学”，附近书院就知道有多少邻居想学这门课。
        </p>
      </section>
      <section aria-labelledby="help-enrol">
        <h2 id="help-enrol">报名和候补</h2>
        <ul>
          <li>
            在课程班页面点“报名”。先到先得的班，名额满了可以排候补；有人取消时按顺序自动递补，并在“消息”里通知您。
          </li>
          <li>抽签的班在报名截止后统一抽签，结果同样发到“消息”。</li>
          <li>不能来了请在页面写明的取消期限前取消，把名额让给别人。</li>
          <li>
            为老人或孩子报名：先在<Link to="/me/family">我的家庭</Link>
            添加家人，报名时选择要为谁报名。
          </li>
        </ul>
      </section>
      <section aria-labelledby="help-checkin">
        <h2 id="help-checkin">上课签到</h2>
        <p>
          上课时用手机扫老师出示的签到二维码，登录后即完成签到；没带手机也没关系，老师可以在点名表上为您签到。
        </p>
      </section>
      <section aria-labelledby="help-record">
        <h2 id="help-record">我的学习记录</h2>
        <p>
          <Link to="/me/classes">我的课程</Link>列出已报名、候补中和往期的课程；在
          <Link to="/me">我的</Link>
          里可以订阅日历，把上课时间同步到手机。课程结束后可以评价；全部课次结束、出勤达到要求后，可以打印结业证书。
        </p>
      </section>
      <section aria-labelledby="help-large">
        <h2 id="help-large">长辈模式</h2>
        <p>页面顶部的“长辈模式”按钮会把字放大，再点一次恢复。这个设置会记在这台手机或电脑上。</p>
      </section>
      <section aria-labelledby="help-api">
        <h2 id="help-api">开放数据</h2>
        <p>
          课程、书院、班级、活动和统计数据可通过<Link to="/help/api">开放数据接口</Link>读取。
        </p>
      </section>
      <section aria-labelledby="help-contact">
        <h2 id="help-contact">联系书院</h2>
        <p>
          每所书院的地址和课程都在<Link to="/academies">全市书院</Link>
          里。有问题可以直接到书院服务台咨询。
        </p>
      </section>
    </div>
  );
}

/** What the loader reads, for the HTML cache of signed-out pages (db/change-topics.ts). */
export const handle = { cacheTopics: [] } satisfies CacheHandle;
