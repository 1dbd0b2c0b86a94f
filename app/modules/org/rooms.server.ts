/** An academy's rooms and places: managed by its managers, read by the scheduling module. */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { branches, classSessions, rooms } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import type { Actor } from "~/modules/auth/permissions";
import { assertManagesAcademy } from "./org.server";
import { UserError } from "~/utils/errors";
import { notFound } from "~/utils/http";
import type { RoomInput } from "./rooms";

export type Room = typeof rooms.$inferSelect;

export function listRooms(db: Conn, academyId: number, opts: { includeArchived?: boolean } = {}) {
  return db
    .select({ room: rooms, branchName: branches.name })
    .from(rooms)
    .leftJoin(branches, eq(branches.id, rooms.branchId))
    .where(
      and(
        eq(rooms.academyId, academyId),
        opts.includeArchived ? undefined : isNull(rooms.archivedAt),
      ),
    )
    .orderBy(asc(rooms.archivedAt), asc(rooms.name))
    .all()
    .map((r) => ({ ...r.room, branchName: r.branchName }));
}

export function getRoom(db: Conn, id: number) {
  return db.select().from(rooms).where(eq(rooms.id, id)).get() ?? null;
}

export function listBranches(db: Conn, academyId: number) {
  return db
    .select()
    .from(branches)
    .where(eq(branches.academyId, academyId))
    .orderBy(asc(branches.name))
    .all();
}

function checkInput(tx: Conn, academyId: number, input: RoomInput, exceptId?: number) {
  if (input.branchId != null) {
    const b = tx.select().from(branches).where(eq(branches.id, input.branchId)).get();
    if (!b || b.academyId !== academyId) throw new UserError("请选择本书院的分院。", "branchId");
  }
  const dup = tx
    .select({ id: rooms.id })
    .from(rooms)
    .where(and(eq(rooms.academyId, academyId), eq(rooms.name, input.name)))
    .get();
  if (dup && dup.id !== exceptId)
    throw new UserError(`本书院已经有叫「${input.name}」的教室了。`, "name");
}

export function createRoom(
  db: DB,
  actor: Actor,
  academyId: number,
  input: RoomInput,
  ip: string | null = null,
) {
  assertManagesAcademy(actor, academyId);
  return db.transaction(
    (tx) => {
      checkInput(tx, academyId, input);
      const row = tx
        .insert(rooms)
        .values({ ...input, branchId: input.branchId ?? null, academyId, createdAt: Date.now() })
        .returning()
        .get();
      writeAudit(tx, actor.id, ip, {
        action: "room.create",
        targetType: "room",
        targetId: row.id,
        summary: `新建教室「${row.name}」（${row.capacity} 人）`,
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

function loadOwnRoom(tx: Conn, actor: Actor, roomId: number) {
  const room = getRoom(tx, roomId);
  if (!room) notFound("没有这个教室。");
  assertManagesAcademy(actor, room.academyId);
  return room;
}

export function updateRoom(
  db: DB,
  actor: Actor,
  roomId: number,
  input: RoomInput,
  ip: string | null = null,
) {
  return db.transaction(
    (tx) => {
      const room = loadOwnRoom(tx, actor, roomId);
      checkInput(tx, room.academyId, input, room.id);
      tx.update(rooms)
        .set({ ...input, branchId: input.branchId ?? null })
        .where(eq(rooms.id, room.id))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: "room.update",
        targetType: "room",
        targetId: room.id,
        summary: `修改教室「${input.name}」`,
      });
      return room.academyId;
    },
    { behavior: "immediate" },
  );
}

/** Archived rooms keep their past sessions; a room with upcoming sessions cannot be archived. */
export function setRoomArchived(
  db: DB,
  actor: Actor,
  roomId: number,
  archived: boolean,
  ip: string | null = null,
) {
  return db.transaction(
    (tx) => {
      const room = loadOwnRoom(tx, actor, roomId);
      if (archived) {
        const upcoming = tx
          .select({ n: sql<number>`count(*)` })
          .from(classSessions)
          .where(
            and(
              eq(classSessions.roomId, room.id),
              eq(classSessions.status, "scheduled"),
              sql`${classSessions.startsAt} > ${Date.now()}`,
            ),
          )
          .get()!.n;
        if (upcoming > 0)
          throw new UserError(
            `「${room.name}」还有 ${upcoming} 个未上的课次，请先把它们调到别的教室再停用。`,
          );
      }
      tx.update(rooms)
        .set({ archivedAt: archived ? Date.now() : null })
        .where(eq(rooms.id, room.id))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: archived ? "room.archive" : "room.restore",
        targetType: "room",
        targetId: room.id,
        summary: `${archived ? "停用" : "恢复"}教室「${room.name}」`,
      });
      return room.academyId;
    },
    { behavior: "immediate" },
  );
}
