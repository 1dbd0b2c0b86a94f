/**
 * Pure helpers for Chinese course search (no database here).
 *
 * Two FTS5 tables share the text of every published course:
 * - course_fts (trigram tokenizer) answers terms of 3+ characters as substrings: 太极拳, 手机课.
 * - course_fts_ngram (unicode61) holds the text pre-split by `ngramText`: every CJK character on
 *   its own and every pair of neighbours (环, 环保, 保), and whole Latin/digit words (ai, 5g). It
 *   answers 1–2 character terms, which trigrams cannot: 环保, 党史, 书, AI.
 * A query is split on spaces and punctuation into terms that must all match (AND).
 */

export const MAX_QUERY_CHARS = 100;
export const MAX_TERMS = 8;

export type ParsedQuery = {
  /** Lower-cased terms, deduplicated, in the order typed. */
  terms: string[];
  /** The (clamped) text to show back in the search box. */
  display: string;
  /** A Chinese note for the person when the query was cut or had nothing searchable. */
  note: string | null;
};

const SEPARATORS = /[\p{P}\p{S}\p{Z}\p{C}\s]+/gu;
const LATIN_OR_DIGIT = /[\p{Script=Latin}\p{Nd}]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Splits what a person typed into search terms; never throws, whatever the input. */
export function parseSearchQuery(raw: unknown): ParsedQuery {
  const text = typeof raw === "string" ? raw.trim() : "";
  const chars = Array.from(text);
  let note: string | null = null;
  let display = text;
  if (chars.length > MAX_QUERY_CHARS) {
    display = chars.slice(0, MAX_QUERY_CHARS).join("");
    note = `搜索词太长，只按前 ${MAX_QUERY_CHARS} 个字搜索。`;
  }
  const all = [
    ...new Set(display.toLowerCase().replace(SEPARATORS, " ").split(" ").filter(Boolean)),
  ];
  const terms = all.slice(0, MAX_TERMS);
  if (all.length > MAX_TERMS) note = `搜索词太多，只按前 ${MAX_TERMS} 个词搜索。`;
  if (text.length > 0 && terms.length === 0) {
    note = "搜索词里只有标点或符号，请输入要找的文字，如“太极拳”“环保”。";
  }
  return { terms, display, note };
}

export function charLength(s: string) {
  return Array.from(s).length;
}

/** Terms long enough for the trigram table. */
export function isTrigramTerm(term: string) {
  return charLength(term) >= 3;
}

/** Splits text into runs: Latin/digit words, and runs of other letters (CJK) character by character. */
function runs(text: string): { kind: "word" | "cjk"; text: string }[] {
  const out: { kind: "word" | "cjk"; text: string }[] = [];
  let cur: { kind: "word" | "cjk"; text: string } | null = null;
  for (const ch of text.toLowerCase()) {
    const kind = !WORD_CHAR.test(ch) ? null : LATIN_OR_DIGIT.test(ch) ? "word" : "cjk";
    if (!kind) {
      cur = null;
      continue;
    }
    if (cur && cur.kind === kind) cur.text += ch;
    else {
      cur = { kind, text: ch };
      out.push(cur);
    }
  }
  return out;
}

/** The text as stored in course_fts_ngram: unigrams and bigrams of CJK runs, whole Latin words. */
export function ngramText(text: string): string {
  const tokens: string[] = [];
  for (const r of runs(text)) {
    if (r.kind === "word") {
      tokens.push(r.text);
      continue;
    }
    const cs = Array.from(r.text);
    for (let i = 0; i < cs.length; i++) {
      tokens.push(cs[i]!);
      if (i + 1 < cs.length) tokens.push(cs[i]! + cs[i + 1]!);
    }
  }
  return tokens.join(" ");
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** FTS5 MATCH expression for the trigram table, or null when no term is long enough. */
export function trigramMatch(terms: string[]): string | null {
  const long = terms.filter(isTrigramTerm);
  return long.length ? long.map(quote).join(" AND ") : null;
}

/** FTS5 MATCH expression for the gram table (1–2 character terms), or null when none. */
export function ngramMatch(terms: string[]): string | null {
  const parts: string[] = [];
  for (const term of terms.filter((t) => !isTrigramTerm(t))) {
    for (const r of runs(term)) {
      // A short Latin word is matched as a prefix ("ai" finds "AI" and "AIGC"); CJK exactly.
      parts.push(r.kind === "word" ? `${quote(r.text)}*` : quote(r.text));
    }
  }
  return parts.length ? parts.join(" AND ") : null;
}
