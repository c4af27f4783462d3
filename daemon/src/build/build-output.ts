/**
 * Docker's JSON progress (one object per event: {stream}, {status}, {error, errorDetail}, {aux}), as an image push
 * streams it, turned into lines for the log. (Builds go through BuildKit's plain progress: buildkit-progress.ts.)
 */
export interface BuildEvent {
  readonly stream?: string;
  readonly status?: string;
  readonly progress?: string;
  readonly id?: string;
  readonly error?: string;
  readonly errorDetail?: { readonly message?: string; readonly code?: number };
  readonly aux?: unknown;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Splits build events into complete output lines (a stream chunk may hold several lines or half of one). */
export const createBuildLineSplitter = (onLine: (line: string) => void): { push(event: BuildEvent): void; flush(): void } => {
  let pending = "";
  return {
    push: (event) => {
      if (event.stream !== undefined) {
        pending += event.stream;
        const parts = pending.split(/\r?\n/);
        pending = parts.pop() ?? "";
        for (const part of parts) if (part.trim() !== "") onLine(part.replace(ANSI, ""));
      } else if (event.status !== undefined) {
        onLine([event.id, event.status, event.progress].filter((p) => p !== undefined && p !== "").join(" "));
      } else if (event.error !== undefined) {
        onLine(`error: ${event.error.trim()}`);
      }
    },
    flush: () => {
      if (pending.trim() !== "") onLine(pending.replace(ANSI, ""));
      pending = "";
    },
  };
};
