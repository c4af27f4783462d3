/**
 * BuildKit's `--progress=plain` output read line by line: which step runs (`[stage 3/7] RUN npm ci`), whether it
 * was cached, its last output line, and on failure the failing step with its output. Lines for the build log are
 * cleaned (no digests, no "#n" prefixes); a secret's value never appears in them because BuildKit never prints it,
 * and the runner masks the values it knows anyway (adapters/docker-cli-build-runner.ts). Pure.
 */

export type StepState = "running" | "cached" | "done" | "error";

export interface BuildProgress {
  /** "3/7" for a Dockerfile step, undefined for internal vertices (load context, export). */
  readonly step?: string;
  /** The step as BuildKit names it, e.g. "RUN npm ci" (stage prefix dropped). */
  readonly name: string;
  readonly state: StepState;
  /** The step's last output line, if any. */
  readonly last?: string;
}

interface Vertex {
  name: string;
  step?: string;
  state: StepState;
  output: string[];
}

// "#7 [stage-0 3/4] RUN …", "#3 [internal] load metadata …", "#9 exporting to image"
const HEADER = /^#(\d+) (\[([^\]]*)\] )?(.*)$/;
const OUTPUT = /^#(\d+) (\d+\.\d+) (.*)$/;
const STATUS = /^#(\d+) (CACHED|DONE [\d.]+s|ERROR: (.*)|CANCELED.*)$/;
const DIGEST = /^#\d+ sha256:[0-9a-f]{64}$/;
const STEP = /(?:^|\s)(\d+\/\d+)$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const TAIL_LINES = 12;

export interface BuildKitProgressReader {
  /** Feeds one line of plain progress; returns the line for the build log (undefined: noise). */
  line(text: string): string | undefined;
  /** The step that changed with the last line (for a live status), if it is a Dockerfile step. */
  readonly current: BuildProgress | undefined;
  /** Steps seen, in order: step, name and state. */
  steps(): BuildProgress[];
  /** One readable message for a failed build: the failing step, the error, and that step's last output lines. */
  failure(service: string, exitCode: number, stderrTail: readonly string[]): string;
}

export const createBuildKitProgressReader = (): BuildKitProgressReader => {
  const vertices = new Map<string, Vertex>();
  let current: BuildProgress | undefined;
  let errorLine: string | undefined;
  let failed: Vertex | undefined;
  const view = (v: Vertex): BuildProgress => ({ ...(v.step === undefined ? {} : { step: v.step }), name: v.name, state: v.state, ...(v.output.length > 0 ? { last: v.output[v.output.length - 1] } : {}) });
  const label = (v: Vertex): string => (v.step === undefined ? v.name : `[${v.step}] ${v.name}`);

  return {
    line(raw) {
      const text = raw.replace(ANSI, "").replace(/\s+$/, "");
      if (text === "" || DIGEST.test(text) || text === "------" || /^ > /.test(text)) return undefined;
      const output = OUTPUT.exec(text);
      if (output) {
        const v = vertices.get(output[1] ?? "");
        if (v === undefined) return text;
        v.output.push(output[3] ?? "");
        if (v.output.length > TAIL_LINES * 4) v.output.splice(0, v.output.length - TAIL_LINES);
        current = v.step === undefined ? current : view(v);
        return `  ${output[3] ?? ""}`;
      }
      const status = STATUS.exec(text);
      if (status) {
        const v = vertices.get(status[1] ?? "");
        if (v === undefined) return text;
        const word = status[2] ?? "";
        if (word === "CACHED") v.state = "cached";
        else if (word.startsWith("DONE")) v.state = "done";
        else if (word.startsWith("ERROR")) {
          v.state = "error";
          failed = v;
          errorLine = status[3];
        }
        if (v.step !== undefined) current = view(v);
        return v.state === "cached" || v.state === "error" ? `${label(v)} ${word}` : undefined;
      }
      const header = HEADER.exec(text);
      if (header && !/^#\d+ \d/.test(text)) {
        const id = header[1] ?? "";
        const known = vertices.get(id);
        if (known !== undefined) {
          // "#7 transferring context: 2B done" and similar sub-progress of a known vertex.
          return undefined;
        }
        const bracket = header[3];
        const step = bracket === undefined ? undefined : STEP.exec(bracket)?.[1];
        const v: Vertex = { name: header[4] ?? "", state: "running", output: [], ...(step === undefined ? {} : { step }) };
        vertices.set(id, v);
        if (step !== undefined) current = view(v);
        return step === undefined && bracket === "internal" ? undefined : label(v);
      }
      if (/^(error|ERROR|failed to solve)/.test(text)) errorLine ??= text;
      return text;
    },
    get current() {
      return current;
    },
    steps: () => [...vertices.values()].filter((v) => v.step !== undefined).map(view),
    failure(service, exitCode, stderrTail) {
      const reason = (errorLine ?? stderrTail.filter((l) => /error|failed|invalid/i.test(l)).pop() ?? stderrTail.filter((l) => l.trim() !== "").pop() ?? `docker build exited with code ${exitCode}`).trim();
      const at = failed === undefined ? "" : ` at ${failed.step === undefined ? failed.name : `step ${failed.step} (${failed.name})`}`;
      const head = `build of ${service} failed${at}: ${reason.replace(/^executor failed running \[(.*)\]: exit code: (\d+)$/, "the command exited with code $2")}`;
      const tail = (failed?.output ?? []).slice(-TAIL_LINES);
      return tail.length === 0 ? head : `${head}\n${tail.map((l) => `  | ${l}`).join("\n")}`;
    },
  };
};
