/** `npm run db:backup`: an online, consistent copy of DATABASE_PATH into BACKUP_DIR, keeping BACKUP_KEEP. */
import path from "node:path";
import { databasePath } from "./client";
import { backupDatabase } from "~/modules/ops/backup.server";
import { config } from "~/utils/config.server";
import { UserError } from "~/utils/errors";

try {
  const c = config();
  const r = backupDatabase(databasePath(), {
    dir: path.resolve(c.BACKUP_DIR),
    keep: c.BACKUP_KEEP,
  });
  console.log(
    `已备份：${r.file}（${Math.ceil(r.bytes / 1024)} KB）${r.removed.length ? `，删除旧备份 ${r.removed.length} 份` : ""}`,
  );
} catch (e) {
  console.error(
    e instanceof UserError || (e instanceof Error && e.name === "ConfigError") ? e.message : e,
  );
  process.exit(1);
}
