import { databasePath, migrateDatabase, openDatabase } from "./client";

const db = openDatabase();
migrateDatabase(db);
db.$client.close();
console.log(`数据库已迁移：${databasePath()}`);
