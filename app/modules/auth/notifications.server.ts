/** 消息: a person's inbox. `notify` writes inside the caller's transaction; enrolment reuses it. */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { prepared, type Conn, type DB } from "@db/client";
import { notifications } from "@db/schema";
import type { Actor } from "~/modules/auth/permissions";

export type Message = { title: string; body?: string; link?: string | null };

export const MESSAGES_PAGE_SIZE = 20;

export function notify(conn: Conn, userId: number, msg: Message) {
  conn
    .insert(notifications)
    .values({
      userId,
      title: msg.title.slice(0, 200),
      body: (msg.body ?? "").slice(0, 2000),
      link: msg.link ?? null,
      createdAt: Date.now(),
    })
    .run();
}

export function notifyMany(conn: Conn, userIds: Iterable<number>, msg: Message) {
  for (const id of new Set(userIds)) notify(conn, id, msg);
}

export function listMessages(db: DB, actor: Actor, opts: { page?: number } = {}) {
  const page = Math.max(1, opts.page ?? 1);
  const rows = db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, actor.id))
    .orderBy(desc(notifications.id))
    .limit(MESSAGES_PAGE_SIZE)
    .offset((page - 1) * MESSAGES_PAGE_SIZE)
    .all();
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(eq(notifications.userId, actor.id))
    .get()!.n;
  return {
    rows,
    total,
    page,
    pages: Math.max(1, Math.ceil(total / MESSAGES_PAGE_SIZE)),
    unread: unreadCount(db, actor.id),
  };
}

/** Built once per connection: every signed-in page's header asks. */
const unreadQuery = prepared((db) =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
    .prepare(),
);

export function unreadCount(db: DB, userId: number) {
  return unreadQuery(db).get({ userId })!.n;
}

/** Marks one message (or, without an id, all of them) read; only the person's own. */
export function markRead(db: DB, actor: Actor, id?: number) {
  db.update(notifications)
    .set({ readAt: Date.now() })
    .where(
      and(
        eq(notifications.userId, actor.id),
        isNull(notifications.readAt),
        id ? eq(notifications.id, id) : undefined,
      ),
    )
    .run();
}
