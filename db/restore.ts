/**
 * `npm run db:restore FILE`: checks FILE (integrity, migration level) and swaps it in for
 * DATABASE_PATH, keeping the replaced file beside it. Stop the server first.
 */
import { databasePath } from "./client";
import { restoreDatabase } from "~/modules/ops/backup.server";
import { UserError } from "~/utils/errors";

const file = process.argv[2];
if (!file) {
  console.error("用法：npm run db:restore -- 备份文件路径（先停止服务器）");
  process.exit(2);
}
try {
  const r = restoreDatabase(file, databasePath());
  console.log(
    `已恢复到 ${databasePath()}。${r.replaced ? `原来的文件保存在 ${r.replaced}。` : ""}${r.behind ? `备份落后 ${r.behind} 个迁移，下次启动时自动补上。` : ""}`,
  );
} catch (e) {
  console.error(e instanceof UserError ? e.message : e);
  process.exit(1);
}
