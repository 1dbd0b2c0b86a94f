import { z } from "zod";

// The Chinese locale is the fallback; user-facing fields carry their own sentences.
z.config(z.locales.zhCN());

export { z };
