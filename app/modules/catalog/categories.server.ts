import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Conn, DB } from "@db/client";
import { categories, courses, teacherCategories } from "@db/schema";
import { writeAudit } from "~/modules/auth/audit.server";
import { isHq, type Actor } from "~/modules/auth/permissions";
import { UserError, parseInput } from "~/utils/errors";
import { forbidden } from "~/utils/http";
import { z } from "~/utils/zod";

export type Category = typeof categories.$inferSelect;

export const categoryNameField = z
  .string({ error: "请填写分类名称" })
  .trim()
  .min(2, { error: "分类名称至少 2 个字" })
  .max(12, { error: "分类名称不能超过 12 个字" });

export const categoryInputSchema = z.object({
  name: categoryNameField,
  slug: z
    .string({ error: "请填写英文标识" })
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9-]{1,30}$/, {
      error: "英文标识用小写字母、数字和短横线，2–31 位，以字母开头，如 law-safety",
    }),
  description: z.string().trim().max(200, { error: "简介不能超过 200 个字" }).default(""),
  color: z
    .string({ error: "请选择颜色" })
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, { error: "颜色格式为 # 加 6 位十六进制，如 #15803D" }),
});
export type CategoryInput = z.infer<typeof categoryInputSchema>;

/** Categories in display order; retired ones only when asked (HQ screens). */
export function listCategories(db: Conn, opts: { includeRetired?: boolean } = {}) {
  return db
    .select()
    .from(categories)
    .where(opts.includeRetired ? undefined : isNull(categories.retiredAt))
    .orderBy(asc(categories.sortOrder), asc(categories.id))
    .all();
}

/** Categories with how many courses (any state) and how many published ones each holds. */
export function listCategoriesWithCounts(db: DB) {
  const rows = listCategories(db, { includeRetired: true });
  const counts = db
    .select({
      categoryId: courses.categoryId,
      total: sql<number>`count(*)`,
      live: sql<number>`sum(case when ${courses.currentVersionId} is not null then 1 else 0 end)`,
    })
    .from(courses)
    .groupBy(courses.categoryId)
    .all();
  const byId = new Map(counts.map((c) => [c.categoryId, c]));
  return rows.map((r) => ({
    ...r,
    courseCount: byId.get(r.id)?.total ?? 0,
    liveCount: byId.get(r.id)?.live ?? 0,
  }));
}

export function getCategoryBySlug(db: Conn, slug: string) {
  return db.select().from(categories).where(eq(categories.slug, slug)).get() ?? null;
}

export function getCategory(db: Conn, id: number) {
  return db.select().from(categories).where(eq(categories.id, id)).get() ?? null;
}

function requireHq(actor: Actor) {
  if (!isHq(actor)) forbidden("只有总部可以管理课程分类。");
}

function assertUnique(db: Conn, input: { name?: string; slug?: string }, exceptId?: number) {
  if (input.name) {
    const dup = db
      .select({ id: categories.id })
      .from(categories)
      .where(
        and(eq(categories.name, input.name), exceptId ? ne(categories.id, exceptId) : undefined),
      )
      .get();
    if (dup) throw new UserError(`已经有名为“${input.name}”的分类。`, "name");
  }
  if (input.slug) {
    const dup = db
      .select({ id: categories.id })
      .from(categories)
      .where(
        and(eq(categories.slug, input.slug), exceptId ? ne(categories.id, exceptId) : undefined),
      )
      .get();
    if (dup) throw new UserError(`英文标识“${input.slug}”已被使用。`, "slug");
  }
}

export function addCategory(db: DB, actor: Actor, raw: unknown, ip: string | null) {
  requireHq(actor);
  const input = parseInput(categoryInputSchema, raw);
  return db.transaction(
    (tx) => {
      assertUnique(tx, input);
      const max = tx
        .select({ m: sql<number>`coalesce(max(${categories.sortOrder}), 0)` })
        .from(categories)
        .get()!.m;
      const row = tx
        .insert(categories)
        .values({ ...input, sortOrder: max + 1 })
        .returning()
        .get();
      writeAudit(tx, actor.id, ip, {
        action: "category.add",
        targetType: "category",
        targetId: row.id,
        summary: `新增课程分类“${row.name}”`,
      });
      return row;
    },
    { behavior: "immediate" },
  );
}

/** Rename (and re-describe, re-colour) a category. The slug stays: it is in residents' links. */
export function updateCategory(
  db: DB,
  actor: Actor,
  id: number,
  raw: { name: string; description?: string; color: string },
  ip: string | null,
) {
  requireHq(actor);
  const input = parseInput(categoryInputSchema.omit({ slug: true }), raw);
  return db.transaction(
    (tx) => {
      const cur = getCategory(tx, id);
      if (!cur) throw new UserError("这个分类不存在，可能已被删除。");
      assertUnique(tx, { name: input.name }, id);
      tx.update(categories).set(input).where(eq(categories.id, id)).run();
      if (
        cur.name !== input.name ||
        cur.description !== input.description ||
        cur.color !== input.color
      ) {
        writeAudit(tx, actor.id, ip, {
          action: "category.update",
          targetType: "category",
          targetId: id,
          summary:
            cur.name !== input.name
              ? `分类“${cur.name}”改名为“${input.name}”`
              : `修改分类“${cur.name}”的简介或颜色`,
        });
      }
      return { ...cur, ...input };
    },
    { behavior: "immediate" },
  );
}

/** Moves a category one place up or down among all categories (retired ones keep their place). */
export function moveCategory(db: DB, actor: Actor, id: number, direction: "up" | "down") {
  requireHq(actor);
  db.transaction(
    (tx) => {
      const list = listCategories(tx, { includeRetired: true });
      const i = list.findIndex((c) => c.id === id);
      if (i < 0) throw new UserError("这个分类不存在，可能已被删除。");
      const j = direction === "up" ? i - 1 : i + 1;
      if (j < 0 || j >= list.length) return;
      [list[i], list[j]] = [list[j]!, list[i]!];
      list.forEach((c, k) => {
        if (c.sortOrder !== k + 1)
          tx.update(categories)
            .set({ sortOrder: k + 1 })
            .where(eq(categories.id, c.id))
            .run();
      });
    },
    { behavior: "immediate" },
  );
}

/** A retired category disappears from the public filters and from new courses; its courses stay. */
export function setCategoryRetired(
  db: DB,
  actor: Actor,
  id: number,
  retired: boolean,
  ip: string | null,
) {
  requireHq(actor);
  db.transaction(
    (tx) => {
      const cur = getCategory(tx, id);
      if (!cur) throw new UserError("这个分类不存在，可能已被删除。");
      if (retired && !cur.retiredAt) {
        const active = tx
          .select({ n: sql<number>`count(*)` })
          .from(categories)
          .where(isNull(categories.retiredAt))
          .get()!.n;
        if (active <= 1) throw new UserError("至少要保留一个启用的分类。");
      }
      tx.update(categories)
        .set({ retiredAt: retired ? (cur.retiredAt ?? Date.now()) : null })
        .where(eq(categories.id, id))
        .run();
      writeAudit(tx, actor.id, ip, {
        action: retired ? "category.retire" : "category.restore",
        targetType: "category",
        targetId: id,
        summary: retired ? `停用课程分类“${cur.name}”` : `恢复课程分类“${cur.name}”`,
      });
    },
    { behavior: "immediate" },
  );
}

/** Deleting is only for a retired category that never held a course. */
export function deleteCategory(db: DB, actor: Actor, id: number, ip: string | null) {
  requireHq(actor);
  db.transaction(
    (tx) => {
      const cur = getCategory(tx, id);
      if (!cur) throw new UserError("这个分类不存在，可能已被删除。");
      if (!cur.retiredAt) throw new UserError(`请先停用分类“${cur.name}”，再删除。`);
      const n = tx
        .select({ n: sql<number>`count(*)` })
        .from(courses)
        .where(eq(courses.categoryId, id))
        .get()!.n;
      if (n > 0) {
        throw new UserError(
          `分类“${cur.name}”下还有 ${n} 门课程（含已停用的课程），不能删除；停用后它已不再对居民显示。`,
        );
      }
      tx.delete(teacherCategories).where(eq(teacherCategories.categoryId, id)).run();
      tx.delete(categories).where(eq(categories.id, id)).run();
      writeAudit(tx, actor.id, ip, {
        action: "category.delete",
        targetType: "category",
        targetId: id,
        summary: `删除课程分类“${cur.name}”`,
      });
    },
    { behavior: "immediate" },
  );
}
