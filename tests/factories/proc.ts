/**
 * A process as Linux's /proc shows it, for the tests and benchmarks that watch our server's
 * processes (memory, CPU, who forked whom).
 */
import fs from "node:fs";

/** The fields of a /proc/<pid>/stat (or task stat) file after the command name: [0] is the state. */
export function statFields(file: string) {
  const stat = fs.readFileSync(file, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** The parent's pid. */
export function ppidOf(pid: number | string) {
  return Number(statFields(`/proc/${pid}/stat`)[1]);
}

/** Resident set size in KiB (0 once the process is gone). */
export function rssKiB(pid: number) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
