import { readFileSync } from "node:fs";

export type ProcessState = "dead" | "zombie" | "alive";

/** A pid that signals is not enough: a daemon killed with -9 whose parent is gone can stay a zombie for a while. */
export const processState = (pid: number): ProcessState => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return "dead";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return "zombie";
  } catch {
    // no /proc (not Linux) or the process is gone meanwhile: the signal said it was there
  }
  return "alive";
};
