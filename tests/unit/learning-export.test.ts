import ExcelJS from "exceljs";
import { buildCalendar } from "~/modules/learning/calendar-feed";
import { contentDisposition, toCsv, toXlsx, type Sheet } from "~/utils/export";

const sheet: Sheet = {
  name: "花名册",
  headers: ["序号", "姓名", "状态", "11月3日"],
  rows: [
    [1, "王秀兰", "已确认", "✓"],
    [2, '=HYPERLINK("http://evil")', "候补", null],
  ],
};

describe("CSV export", () => {
  it("starts with a UTF-8 BOM and has the Chinese headers", () => {
    const csv = toCsv(sheet);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const bytes = Buffer.from(csv, "utf8");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.slice(1).split("\r\n");
    expect(lines[0]).toBe("序号,姓名,状态,11月3日");
    expect(lines[1]).toBe("1,王秀兰,已确认,✓");
  });

  it("neutralises formulas", () => {
    expect(toCsv(sheet)).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });

  it("names the file in Chinese with an ASCII fallback", () => {
    expect(contentDisposition("花名册.csv", "roster.csv")).toBe(
      `attachment; filename="roster.csv"; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C.csv`,
    );
  });
});

describe("XLSX export", () => {
  it("opens with exceljs and has the rows", async () => {
    const buf = await toXlsx([
      sheet,
      { name: "出勤", headers: ["姓名", "出勤率"], rows: [["王秀兰", "80%"]] },
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("花名册")!;
    expect(ws.getRow(1).values).toEqual([undefined, "序号", "姓名", "状态", "11月3日"]);
    expect(ws.getRow(2).getCell(2).value).toBe("王秀兰");
    expect(ws.getRow(2).getCell(1).value).toBe(1);
    expect(ws.rowCount).toBe(3);
    expect(wb.getWorksheet("出勤")!.getRow(2).getCell(2).value).toBe("80%");
  });
});

describe("calendar feed", () => {
  it("contains each session in UTC with title, place and a stable uid", () => {
    const start = Date.UTC(2026, 11, 1, 6, 30); // 14:30 in Xiamen
    const ics = buildCalendar([
      {
        uid: "session-7@example.test",
        title: "闽南语入门",
        startsAt: start,
        endsAt: start + 90 * 60_000,
        location: "湖里某社区书院 多功能厅",
        description: "第 1 次课",
        url: "http://example.test/classes/3",
        cancelled: false,
        sequence: 1,
      },
      {
        uid: "session-8@example.test",
        title: "闽南语入门",
        startsAt: start + 7 * 86_400_000,
        endsAt: start + 7 * 86_400_000 + 90 * 60_000,
        location: "湖里",
        description: "",
        url: "http://example.test/classes/3",
        cancelled: true,
        sequence: 2,
      },
    ]);
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain("X-WR-CALNAME:我的社区书院课程");
    expect(ics).toContain("UID:session-7@example.test");
    expect(ics).toContain("DTSTART:20261201T063000Z");
    expect(ics).toContain("DTEND:20261201T080000Z");
    expect(ics).toContain("SUMMARY:闽南语入门");
    expect(ics).toContain("SUMMARY:【已取消】闽南语入门");
    expect(ics).toContain("STATUS:CANCELLED");
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(2);
  });

  it("is a valid empty calendar without sessions", () => {
    const ics = buildCalendar([]);
    expect(ics).toContain("BEGIN:VCALENDAR");
    expect(ics).not.toContain("VEVENT");
  });
});
