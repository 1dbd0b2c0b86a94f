/**
 * Text diff between two course versions (pure). Each version becomes a canonical text (fields
 * first, then the syllabus text); lines are compared with `diffLines`, and a changed line that
 * pairs with a removed one gets a character-level diff so editors see exactly what moved.
 */
import { diffChars, diffLines } from "diff";

export type DiffSegment = { kind: "same" | "add" | "del"; text: string };
export type DiffLine = { kind: "same" | "add" | "del"; text: string; segments?: DiffSegment[] };

type VersionLike = {
  title: string;
  summary: string;
  audience: string[];
  sessions: number;
  minutesPerSession: number;
  objectives: string[];
  tags: string[];
  bodyText: string;
};

export function versionText(v: VersionLike): string {
  return [
    `课程名称：${v.title}`,
    `课程简介：${v.summary}`,
    `适用对象：${v.audience.join("、")}`,
    `建议课次：${v.sessions} 次，每次 ${v.minutesPerSession} 分钟`,
    `标签：${v.tags.join("、")}`,
    "学习目标：",
    ...v.objectives.map((o, i) => `${i + 1}. ${o}`),
    "教学大纲：",
    ...v.bodyText.split(/\n+/).filter((l) => l.trim() !== ""),
  ].join("\n");
}

function splitLines(value: string) {
  const lines = value.split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function diffVersionTexts(a: string, b: string): DiffLine[] {
  const out: DiffLine[] = [];
  const parts = diffLines(a.endsWith("\n") ? a : `${a}\n`, b.endsWith("\n") ? b : `${b}\n`);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const next = parts[i + 1];
    if (p.removed && next?.added) {
      const del = splitLines(p.value);
      const add = splitLines(next.value);
      const n = Math.min(del.length, add.length);
      for (let k = 0; k < n; k++) {
        const segs = diffChars(del[k]!, add[k]!).map<DiffSegment>((s) => ({
          kind: s.added ? "add" : s.removed ? "del" : "same",
          text: s.value,
        }));
        out.push({ kind: "del", text: del[k]!, segments: segs.filter((s) => s.kind !== "add") });
        out.push({ kind: "add", text: add[k]!, segments: segs.filter((s) => s.kind !== "del") });
      }
      for (const l of del.slice(n)) out.push({ kind: "del", text: l });
      for (const l of add.slice(n)) out.push({ kind: "add", text: l });
      i++;
      continue;
    }
    const kind = p.added ? "add" : p.removed ? "del" : "same";
    for (const l of splitLines(p.value)) out.push({ kind, text: l });
  }
  return out;
}

/** Keeps changed lines and `context` unchanged lines around them; long unchanged runs become a gap marker (null). */
export function withContext(lines: DiffLine[], context = 2): (DiffLine | null)[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((l, i) => {
    if (l.kind !== "same")
      for (let k = Math.max(0, i - context); k <= Math.min(lines.length - 1, i + context); k++)
        keep[k] = true;
  });
  const out: (DiffLine | null)[] = [];
  lines.forEach((l, i) => {
    if (keep[i]) out.push(l);
    else if (out[out.length - 1] !== null) out.push(null);
  });
  return out;
}
