/**
 * Roster exports: CSV in UTF-8 with a BOM (so Excel on Windows opens the Chinese correctly) and
 * XLSX via exceljs. Server-only (exceljs is large): import from *.server.ts or resource routes.
 */
import { stringify } from "csv-stringify/sync";

export type Cell = string | number | null;
export type Sheet = { name: string; headers: string[]; rows: Cell[][]; widths?: number[] };

/** A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an
 * apostrophe: a learner named "=HYPERLINK(…)" must not become a link in the manager's Excel. */
export function safeCell(value: Cell): string | number {
  if (value === null) return "";
  if (typeof value === "number") return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function toCsv(sheet: Sheet): string {
  return stringify([sheet.headers, ...sheet.rows.map((r) => r.map(safeCell))], {
    bom: true,
    record_delimiter: "windows",
  });
}

export async function toXlsx(sheets: Sheet[], meta: { creator?: string } = {}): Promise<Buffer> {
  // Loaded by the first XLSX export, not at start (about 8 MB of heap; issue 17: idle memory).
  const { default: ExcelJS } = await import("exceljs");
  const wb = new ExcelJS.Workbook();
  wb.creator = meta.creator ?? "厦门社区书院";
  wb.created = new Date(0);
  for (const sheet of sheets) {
    // Excel limits sheet names to 31 characters and forbids []:*?/\
    const ws = wb.addWorksheet(sheet.name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31) || "Sheet");
    ws.addRow(sheet.headers);
    ws.getRow(1).font = { bold: true };
    for (const r of sheet.rows) ws.addRow(r.map((c) => (c === null ? "" : c)));
    ws.columns.forEach((col, i) => {
      col.width =
        sheet.widths?.[i] ??
        Math.min(
          40,
          Math.max(
            8,
            ...[sheet.headers[i] ?? "", ...sheet.rows.map((r) => String(r[i] ?? ""))].map(
              (s) => s.length * 2 + 2,
            ),
          ),
        );
    });
    ws.views = [{ state: "frozen", ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A file name for Content-Disposition with Chinese kept (RFC 5987) and an ASCII fallback. */
export function contentDisposition(fileName: string, asciiFallback: string) {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(
    fileName,
  )}`;
}

/**
 * A download of one sheet as CSV or of several as XLSX: the body and the headers every export
 * sends (a Chinese file name with an ASCII fallback, never cached, never sniffed).
 */
export async function exportDownload(
  sheets: Sheet[],
  format: "csv" | "xlsx",
  fileName: string,
  asciiName: string,
) {
  const common = { "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff" };
  if (format === "csv") {
    return {
      body: toCsv(sheets[0]!) as string | ArrayBuffer,
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": contentDisposition(`${fileName}.csv`, `${asciiName}.csv`),
        ...common,
      },
    };
  }
  const buf = await toXlsx(sheets);
  return {
    body: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": contentDisposition(`${fileName}.xlsx`, `${asciiName}.xlsx`),
      ...common,
    },
  };
}
