import { Form } from "@remix-run/react";
import { shortTime } from "~/components/learning";

export type CheckinPerson = {
  key: string | number;
  name: string;
  relation: string | null;
  presentAt: number | null;
};

/**
 * The scan page's body, for class sessions and activities alike: the outcome notice, the error,
 * and the list of the account's people to tick (the account holder ticked first; people already
 * checked in shown as such and not sent again).
 */
export function CheckinPeopleForm(props: {
  people: CheckinPerson[];
  /** The form field each ticked person is posted as. */
  field: string;
  pass: string;
  /** How the page speaks of coming (上课 / 参加) and of what is wished well (上课 / 活动). */
  come: string;
  wish: string;
  done: boolean;
  allPresent: boolean;
  error?: string;
  busy: boolean;
}) {
  const { people } = props;
  const self = people.find((p) => p.relation === null);
  const present = people.filter((p) => p.presentAt !== null);
  const waiting = people.filter((p) => p.presentAt === null);
  return (
    <>
      {props.done ? (
        <p className="notice" role="status" data-testid="checkin-done">
          签到成功！{present.map((p) => p.name).join("、")}已签到。祝{props.wish}愉快。
        </p>
      ) : props.allPresent ? (
        <p className="notice" role="status" data-testid="checkin-already">
          {self?.presentAt
            ? `您已签到（${shortTime(self.presentAt)}），不用再扫码了。`
            : "已经全部签到，不用再扫码了。"}
        </p>
      ) : null}
      {props.error ? (
        <p className="form-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {waiting.length ? (
        <Form method="post" className="form">
          <input type="hidden" name="code" value={props.pass} />
          <fieldset className="attendance-fieldset">
            <legend>{people.length > 1 ? `勾选今天来${props.come}的人` : "确认签到"}</legend>
            <ul className="attendance-list">
              {people.map((p) => (
                <li key={p.key}>
                  <label className="attendance-row">
                    <input
                      type="checkbox"
                      name={props.field}
                      value={p.key}
                      defaultChecked={
                        p.presentAt === null && (p.relation === null || people.length === 1)
                      }
                      disabled={p.presentAt !== null}
                    />
                    <span className="attendance-name">
                      {p.relation ? `${p.relation} ${p.name}` : `本人 ${p.name}`}
                    </span>
                    {p.presentAt ? (
                      <span className="badge ok">已签到 {shortTime(p.presentAt)}</span>
                    ) : null}
                  </label>
                </li>
              ))}
            </ul>
            <button type="submit" className="attendance-save" disabled={props.busy}>
              {props.busy ? "正在签到…" : "签到"}
            </button>
          </fieldset>
        </Form>
      ) : null}
    </>
  );
}
