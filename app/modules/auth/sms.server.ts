import fs from "node:fs";
import path from "node:path";
import { logger } from "~/utils/log.server";
import { config, smsEnv } from "~/utils/config.server";

/**
 * Text messages (短信) go through one sender. Two implementations:
 * - `DevSmsSender` (the default): writes each message as one JSON line to
 *   `SMS_DEV_FILE` (default `db/sms-outbox.jsonl`), never to the log; the e2e tests read codes there;
 * - `AliyunSmsSender`: Alibaba Cloud SMS (短信服务) through its official Node SDK
 *   `@alicloud/dysmsapi20170525`, on only when `SMS_PROVIDER=aliyun` and its variables are set.
 * Templates: a provider sends only approved templates, so messages are a template name and its
 * parameters, never free text.
 */
export type SmsMessage =
  | { phone: string; template: "code"; params: { code: string } }
  | { phone: string; template: "promoted"; params: { title: string; time: string } };

export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}

/** The Chinese text of a message as the approved templates say it. */
export function smsText(m: SmsMessage): string {
  switch (m.template) {
    case "code":
      return `【厦门社区书院】您的验证码是 ${m.params.code}，10 分钟内有效。如非本人操作，请忽略本短信。`;
    case "promoted":
      return `【厦门社区书院】您已从候补转为正式报名：${m.params.title}，${m.params.time} 开课，请准时参加。`;
  }
}

export function devSmsFile() {
  return path.resolve(process.cwd(), config().SMS_DEV_FILE);
}

export class DevSmsSender implements SmsSender {
  readonly name = "dev";
  constructor(private file = devSmsFile()) {}
  async send(m: SmsMessage) {
    const line = JSON.stringify({
      at: new Date().toISOString(),
      phone: m.phone,
      template: m.template,
      params: m.params,
      text: smsText(m),
    });
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, line + "\n");
    // The code itself stays out of the log (a log is read by more people than the outbox file).
    logger().info(
      { template: m.template, file: this.file },
      "sms (development sender) written to SMS_DEV_FILE",
    );
  }
}

export type AliyunSmsConfig = {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templates: Record<SmsMessage["template"], string>;
  endpoint: string;
};

export class AliyunSmsSender implements SmsSender {
  readonly name = "aliyun";
  private client:
    | Promise<{ sendSms(req: unknown): Promise<{ body?: { code?: string; message?: string } }> }>
    | undefined;
  private SendSmsRequest: (new (init: Record<string, unknown>) => unknown) | undefined;
  constructor(private config: AliyunSmsConfig) {}

  private async getClient() {
    this.client ??= (async () => {
      const sdk = await import("@alicloud/dysmsapi20170525");
      const core = await import("@alicloud/openapi-core");
      const Client = (sdk.default as unknown as { default?: unknown }).default ?? sdk.default;
      this.SendSmsRequest = sdk.SendSmsRequest as unknown as new (
        init: Record<string, unknown>,
      ) => unknown;
      const config = new core.$OpenApiUtil.Config({
        accessKeyId: this.config.accessKeyId,
        accessKeySecret: this.config.accessKeySecret,
        endpoint: this.config.endpoint,
      });
      return new (
        Client as new (c: unknown) => {
          sendSms(req: unknown): Promise<{ body?: { code?: string; message?: string } }>;
        }
      )(config);
    })();
    return this.client;
  }

  async send(m: SmsMessage) {
    const client = await this.getClient();
    const res = await client.sendSms(
      new this.SendSmsRequest!({
        phoneNumbers: m.phone,
        signName: this.config.signName,
        templateCode: this.config.templates[m.template],
        templateParam: JSON.stringify(m.params),
      }),
    );
    if (res.body?.code !== "OK")
      throw new Error(`aliyun sms refused: ${res.body?.code} ${res.body?.message}`);
  }
}

/** Reads the SMS settings: `SMS_PROVIDER=aliyun` needs every `SMS_ALIYUN_*` variable. */
export function smsSenderFromEnv(env: Record<string, string | undefined> = smsEnv()): SmsSender {
  const provider = env.SMS_PROVIDER || "dev";
  if (provider === "dev") return new DevSmsSender();
  if (provider !== "aliyun") throw new Error(`SMS_PROVIDER must be dev or aliyun, got ${provider}`);
  const need = [
    "SMS_ALIYUN_ACCESS_KEY_ID",
    "SMS_ALIYUN_ACCESS_KEY_SECRET",
    "SMS_ALIYUN_SIGN_NAME",
    "SMS_ALIYUN_TEMPLATE_CODE",
    "SMS_ALIYUN_TEMPLATE_PROMOTED",
  ];
  const missing = need.filter((k) => !env[k]);
  if (missing.length) throw new Error(`SMS_PROVIDER=aliyun needs ${missing.join(", ")}`);
  return new AliyunSmsSender({
    accessKeyId: env.SMS_ALIYUN_ACCESS_KEY_ID!,
    accessKeySecret: env.SMS_ALIYUN_ACCESS_KEY_SECRET!,
    signName: env.SMS_ALIYUN_SIGN_NAME!,
    templates: { code: env.SMS_ALIYUN_TEMPLATE_CODE!, promoted: env.SMS_ALIYUN_TEMPLATE_PROMOTED! },
    endpoint: env.SMS_ALIYUN_ENDPOINT || "dysmsapi.aliyuncs.com",
  });
}

let sender: SmsSender | undefined;
/** The process's sender, chosen once from the environment. */
export function smsSender(): SmsSender {
  sender ??= smsSenderFromEnv();
  return sender;
}
