export const TIME_ZONE = "Asia/Shanghai";

const dateTimeFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});
const dateFmt = new Intl.DateTimeFormat("zh-CN", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "long",
  day: "numeric",
  weekday: "short",
});

/** 2026/11/27 16:05 in Asia/Shanghai, whatever the server's TZ. */
export function formatDateTime(ms: number) {
  return dateTimeFmt.format(new Date(ms));
}

export function formatDate(ms: number) {
  return dateFmt.format(new Date(ms));
}
