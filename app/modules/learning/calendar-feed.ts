/**
 * The personal calendar feed (iCalendar) that phone calendars subscribe to. Sessions are stored as
 * UTC instants of Asia/Shanghai wall-clock times and written as UTC (…Z), so every calendar shows
 * them at the right local time whatever its own time zone.
 */
import { createEvents, type EventAttributes } from "ics";

export type FeedEvent = {
  /** Stable per session (and learner), so a moved session updates instead of duplicating. */
  uid: string;
  title: string;
  startsAt: number;
  endsAt: number;
  location: string;
  description: string;
  url: string;
  cancelled: boolean;
  /** Bumped whenever the session changes (moved, cancelled) so calendars update it. */
  sequence: number;
};

export const FEED_NAME = "我的社区书院课程";

export function buildCalendar(events: FeedEvent[]): string {
  const attrs: EventAttributes[] = events.map((e) => ({
    uid: e.uid,
    title: e.cancelled ? `【已取消】${e.title}` : e.title,
    start: e.startsAt,
    startInputType: "utc",
    startOutputType: "utc",
    end: e.endsAt,
    endInputType: "utc",
    endOutputType: "utc",
    location: e.location,
    description: e.description,
    url: e.url,
    status: e.cancelled ? "CANCELLED" : "CONFIRMED",
    sequence: e.sequence,
    alarms: e.cancelled
      ? []
      : [
          {
            action: "display",
            description: `${e.title} 即将开始`,
            trigger: { hours: 1, before: true },
          },
        ],
  }));
  const { error, value } = createEvents(attrs, {
    calName: FEED_NAME,
    productId: "-//Xiamen Community Academies//Learning//ZH",
  });
  if (error || !value) throw error ?? new Error("calendar feed failed");
  return value;
}
