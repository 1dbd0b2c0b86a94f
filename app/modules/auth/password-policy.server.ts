/**
 * The server's password rules beyond the form schema: the phone number and the common-password list
 * in content/common-passwords.txt (6,000 most common passwords of 8+ characters), loaded once.
 */
import fs from "node:fs";
import path from "node:path";
import { UserError } from "~/utils/errors";
import { COMMON_PASSWORDS, PASSWORD_IS_PHONE, passwordIsPhone } from "./validation";

export const COMMON_PASSWORDS_FILE = path.resolve(process.cwd(), "content/common-passwords.txt");

let list: Set<string> | undefined;
export function commonPasswords(): Set<string> {
  if (!list) {
    const text = fs.readFileSync(COMMON_PASSWORDS_FILE, "utf8");
    list = new Set(COMMON_PASSWORDS);
    for (const line of text.split("\n")) {
      const p = line.trim();
      if (p && !p.startsWith("#")) list.add(p);
    }
  }
  return list;
}

/** Throws a Chinese UserError on `field` when the password is the phone number or a common one. */
export function assertPasswordAllowed(password: string, phone: string, field: string) {
  if (password.trim().length === 0) throw new UserError("密码不能全是空格", field);
  if (/^(.)\1*$/su.test(password)) throw new UserError("密码不能是同一个字符重复", field);
  if (passwordIsPhone(password, phone)) throw new UserError(PASSWORD_IS_PHONE, field);
  if (commonPasswords().has(password.toLowerCase()))
    throw new UserError("这个密码太常见，很容易被猜到，请换一个", field);
}
