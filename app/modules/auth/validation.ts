import { z } from "~/utils/zod";

/** A short list of passwords that people pick first, checked in the browser too; the server also
 * checks the full list in content/common-passwords.txt (`assertPasswordAllowed`). */
export const COMMON_PASSWORDS = new Set([
  "12345678",
  "123456789",
  "1234567890",
  "87654321",
  "11111111",
  "88888888",
  "66666666",
  "00000000",
  "12341234",
  "11223344",
  "password",
  "password1",
  "passw0rd",
  "qwertyui",
  "qwerty123",
  "iloveyou",
  "abcd1234",
  "1qaz2wsx",
  "a1234567",
  "aa123456",
  "abc12345",
  "woaini1314",
  "5201314520",
  "1314520520",
  "asdfghjk",
  "zxcvbnm123",
  "admin123",
  "xiamen123",
  "xiamen2015",
  "123123123",
  "147258369",
  "159357456",
]);

export const phoneField = z
  .string({ error: "请输入手机号码" })
  .trim()
  .regex(/^1[3-9]\d{9}$/, { error: "请输入 11 位手机号码，以 13–19 开头" });

export const passwordField = z
  .string({ error: "请输入密码" })
  .min(8, { error: "密码至少需要 8 个字符" })
  .max(128, { error: "密码不能超过 128 个字符" })
  .refine((p) => p.trim().length > 0, { error: "密码不能全是空格" })
  .refine((p) => !/^(.)\1*$/su.test(p), { error: "密码不能是同一个字符重复" })
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), {
    error: "这个密码太常见，很容易被猜到，请换一个",
  });

export const PASSWORD_IS_PHONE = "密码不能和手机号码相同";

/** True when the password is the phone number (digits compared, so "138 1234 5678" counts too). */
export function passwordIsPhone(password: string, phone: string) {
  const digits = password.replace(/[\s-]/g, "");
  return digits === phone || digits === `+86${phone}` || digits === `86${phone}`;
}

export const nameField = z
  .string({ error: "请输入姓名" })
  .trim()
  .min(1, { error: "请输入姓名" })
  .max(30, { error: "姓名不能超过 30 个字" });

export const smsCodeField = z
  .string({ error: "请输入短信验证码" })
  .trim()
  .regex(/^\d{6}$/, { error: "验证码是短信里的 6 位数字" });

const optionalAcademyId = z.preprocess(
  (v) => (v === "" || v == null ? undefined : v),
  z.coerce
    .number({ error: "请选择书院" })
    .int({ error: "请选择书院" })
    .positive({ error: "请选择书院" })
    .optional(),
);

export const registerSchema = z
  .object({
    phone: phoneField,
    code: smsCodeField,
    name: nameField,
    password: passwordField,
    homeAcademyId: optionalAcademyId,
  })
  .refine((v) => !passwordIsPhone(v.password, v.phone), {
    error: PASSWORD_IS_PHONE,
    path: ["password"],
  });

/** 获取验证码: only the phone is checked; the rest of the form is kept as typed. */
export const sendCodeSchema = z.object({ phone: phoneField });

export const resetPasswordSchema = z
  .object({
    phone: phoneField,
    code: smsCodeField,
    password: passwordField,
  })
  .refine((v) => !passwordIsPhone(v.password, v.phone), {
    error: PASSWORD_IS_PHONE,
    path: ["password"],
  });

export const homeAcademySchema = z.object({
  homeAcademyId: z.coerce
    .number({ error: "请选择书院" })
    .int({ error: "请选择书院" })
    .positive({ error: "请选择书院" }),
});

export const loginSchema = z.object({
  phone: phoneField,
  password: z.string({ error: "请输入密码" }).min(1, { error: "请输入密码" }),
  redirectTo: z.string().optional(),
});

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: "请输入当前密码" }),
  newPassword: passwordField,
});
