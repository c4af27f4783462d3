/**
 * Docker's build progress (one JSON object per event: {stream}, {status}, {error, errorDetail}, {aux}) turned into
 * lines for the log, and a failed build turned into one readable message: the failing step and its last output.
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

const STEP = /^Step (\d+\/\d+) : (.*)$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const NOISE = /^( ---> |Removing intermediate container |error: )/;
const TAIL_LINES = 12;

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

/** Tracks steps and output so a failure can name the step ("step 3/7 (RUN npm install)") and show its output. */
export const createBuildTranscript = (): { line(text: string): void; failure(service: string, error: string): string } => {
  let step: string | undefined;
  let stepOutput: string[] = [];
  return {
    line: (text) => {
      const match = STEP.exec(text.trim());
      if (match) {
        step = `step ${match[1] ?? "?"} (${match[2] ?? ""})`;
        stepOutput = [];
      } else if (!NOISE.test(text)) stepOutput.push(text);
    },
    failure: (service, error) => {
      const reason = error.trim().replace(/^The command '(.*)' returned a non-zero code: (\d+)$/, "the command exited with code $2");
      const head = `build of ${service} failed${step === undefined ? "" : ` at ${step}`}: ${reason}`;
      const tail = stepOutput.slice(-TAIL_LINES);
      return tail.length === 0 ? head : `${head}\n${tail.map((l) => `  | ${l}`).join("\n")}`;
    },
  };
};
