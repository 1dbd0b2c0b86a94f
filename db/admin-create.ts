/**
 * `npm run admin:create -- --phone 13800000000 --name 姓名`: the first HQ admin of a production
 * database. The password is asked for on the terminal (or read from ADMIN_PASSWORD, for scripts).
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { createFirstHqAdmin } from "~/modules/auth/first-admin.server";
import { UserError } from "~/utils/errors";
import { migrateDatabase, openDatabase } from "./client";

const { values } = parseArgs({ options: { phone: { type: "string" }, name: { type: "string" } } });
let password = process.env.ADMIN_PASSWORD ?? "";
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question("密码（至少 8 位）：");
  rl.close();
}
const db = openDatabase();
migrateDatabase(db);
try {
  await createFirstHqAdmin(db, { phone: values.phone ?? "", name: values.name ?? "", password });
  console.log(`已创建总部管理员 ${values.name}（${values.phone}），请用这个账号登录。`);
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  console.error(e.message);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
