/**
 * `devloop up`'s build progress: the step each building service is at ("step 3/7 RUN npm ci: running"), cached or
 * running, and that step's last output line (services[].build.progress, kept by the daemon while the build runs).
 *
 * On a terminal: one live line per building service at the bottom, redrawn in place; every other line up prints goes
 * above it (print). Otherwise (a pipe, a CI log): a plain line per step change, nothing redrawn.
 */
import type { PublicProject, PublicService } from "../../daemon/src/api/types.js";
import { paint, serviceColor } from "./output.js";

type Progress = NonNullable<NonNullable<PublicService["build"]>["progress"]>;

/** A long RUN line is cut so the step's last output line still fits beside it. */
const nameChars = 40;

/** "step 3/7 RUN npm ci: running — added 12 packages"; the line without the service name. */
export const buildStepText = (p: Progress, withLast = true): string => {
  const name = p.name.length > nameChars ? `${p.name.slice(0, nameChars - 1)}…` : p.name;
  return `step ${p.step ?? "?"} ${name}: ${p.state}${withLast && p.last !== undefined && p.last.trim() !== "" ? ` — ${p.last.trim()}` : ""}`;
};

export interface BuildProgressView {
  /** Takes the project's latest view: draws (terminal) or prints (plain) what changed. */
  update(project: PublicProject): void;
  /** Writes other output above the live lines (terminal), or as is; `to`: another stream of the same terminal (stderr). */
  print(text: string, to?: (text: string) => void): void;
  /** Removes the live lines (terminal) before up exits. */
  close(): void;
}

export interface BuildProgressViewOptions {
  readonly tty: boolean;
  readonly color: boolean;
  readonly write: (text: string) => void;
  /** The terminal's width: live lines are cut to it so each stays one line. */
  readonly columns?: () => number | undefined;
  readonly width?: () => number;
}

// eslint-disable-next-line no-control-regex
const escapes = /\u001b\[[0-9;?]*[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f]/g;
/** Up n lines to the first column, then clear to the end of the screen. */
const clearLines = (n: number): string => (n === 0 ? "" : `\u001b[${n}A\r\u001b[0J`);

export const createBuildProgressView = (options: BuildProgressViewOptions): BuildProgressView => {
  const { tty, color, write } = options;
  /** Plain mode: the last step line printed per service. */
  const printed = new Map<string, string>();
  let live: string[] = [];
  let drawn = 0;
  const prefix = (service: string): string => {
    const width = options.width?.() ?? service.length;
    return paint(color, serviceColor(service), `${service.padEnd(width)} |`);
  };
  const fit = (service: string, text: string): string => {
    // The build's own output may carry escape sequences or tabs: a live line must stay one line.
    const clean = text.replace(escapes, "").replace(controls, " ");
    const columns = options.columns?.();
    const room = columns === undefined ? Infinity : columns - (options.width?.() ?? service.length) - 10;
    const cut = clean.length > room ? `${clean.slice(0, Math.max(0, room - 1))}…` : clean;
    return `${prefix(service)} ${paint(color, 90, "build")} ${cut}`;
  };
  const redraw = (): void => {
    const text = `${clearLines(drawn)}${live.map((l) => `${l}\n`).join("")}`;
    drawn = live.length;
    if (text !== "") write(text);
  };

  return {
    update(project) {
      const building = project.services.filter((s) => s.build?.status === "building" && s.build.progress !== undefined);
      if (!tty) {
        for (const s of building) {
          const p = s.build?.progress;
          if (p === undefined) continue;
          const key = buildStepText(p, false);
          if (printed.get(s.name) === key) continue;
          printed.set(s.name, key);
          write(`${fit(s.name, buildStepText(p))}\n`);
        }
        for (const name of [...printed.keys()]) if (!building.some((s) => s.name === name)) printed.delete(name);
        return;
      }
      const next = building.map((s) => fit(s.name, s.build?.progress === undefined ? "" : buildStepText(s.build.progress)));
      if (next.join("\n") === live.join("\n")) return;
      live = next;
      redraw();
    },
    print(text, to = write) {
      if (!tty || drawn === 0) {
        to(text);
        return;
      }
      write(clearLines(drawn));
      to(text);
      drawn = 0;
      redraw();
    },
    close() {
      if (tty && drawn > 0) write(clearLines(drawn));
      drawn = 0;
      live = [];
    },
  };
};
