import { Form } from "@remix-run/react";
import type { OrderListRow } from "./orders";
import { OrderRow } from "./orders";

/** An order with HQ's (or the district centre's) decision forms: assign a teacher and accept, or decline with a reason. */
export function OrderDecision({
  order,
  canDecide,
  teacherChoices,
  newerVersion,
  error,
  errorField,
  reasonValue,
}: {
  order: OrderListRow;
  canDecide: boolean;
  teacherChoices: { id: number; displayName: string; organisation: string }[];
  newerVersion: number | null;
  error?: string | null;
  errorField?: string | null;
  reasonValue?: string;
}) {
  return (
    <>
      <ul className="plain-list">
        <OrderRow order={order} />
      </ul>
      {newerVersion ? (
        <p className="notice warn">
          课程库已发布第 {newerVersion} 版；本点单锁定的是第 {order.versionNo} 版，开课也按第{" "}
          {order.versionNo} 版。
        </p>
      ) : null}
      {error && !errorField ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {canDecide ? (
        <>
          <section aria-labelledby="accept-h">
            <h2 id="accept-h">安排教师并受理</h2>
            {teacherChoices.length === 0 ? (
              <p className="notice warn">
                师资库里没有能教这门课、又愿意到{order.districtName}
                授课的老师。可以先婉拒并说明原因，或到师资库补充教师。
              </p>
            ) : (
              <Form method="post" className="form">
                <input type="hidden" name="intent" value="accept" />
                <fieldset className={`field${errorField === "teacherId" ? " has-error" : ""}`}>
                  <legend className="label">
                    授课教师（能教这门课、愿意到{order.districtName}）
                  </legend>
                  <div className="check-row">
                    {teacherChoices.map((t, i) => (
                      <label key={t.id} className="check-chip" htmlFor={`t-${t.id}`}>
                        <input
                          type="radio"
                          id={`t-${t.id}`}
                          name="teacherId"
                          value={t.id}
                          defaultChecked={i === 0}
                        />
                        {t.displayName}
                        {t.organisation ? (
                          <span className="muted">（{t.organisation}）</span>
                        ) : null}
                      </label>
                    ))}
                  </div>
                  {errorField === "teacherId" ? (
                    <p className="error" role="alert">
                      {error}
                    </p>
                  ) : null}
                </fieldset>
                <div className="field">
                  <label htmlFor="accept-note">给书院的话（可不填）</label>
                  <input id="accept-note" name="note" type="text" maxLength={200} />
                </div>
                <button type="submit">受理</button>
              </Form>
            )}
          </section>
          <details className="danger-zone" open={errorField === "reason"}>
            <summary>婉拒</summary>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="decline" />
              <div className={`field${errorField === "reason" ? " has-error" : ""}`}>
                <label htmlFor="decline-reason">婉拒原因（书院会看到）</label>
                <textarea
                  id="decline-reason"
                  name="reason"
                  rows={3}
                  maxLength={300}
                  defaultValue={reasonValue}
                  aria-invalid={errorField === "reason" ? true : undefined}
                />
                {errorField === "reason" ? (
                  <p className="error" role="alert">
                    {error}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="danger">
                确认婉拒
              </button>
            </Form>
          </details>
        </>
      ) : null}
    </>
  );
}
