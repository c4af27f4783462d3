/**
 * GET /api/projects/:name/diagnostics → DiagnosticWithSource[]: the project's load diagnostics and warnings, each
 * with the source lines around it (the one before and the line itself, as errors/render.ts prints them) so the
 * dashboard can draw the excerpt and caret. Only files the daemon's own diagnostics name are read, and lines that
 * look like they hold a secret are redacted (dashboard-redact.ts).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { Request, Response } from "express";
import { ApiCodes } from "../../errors/api-codes.js";
import type { Diagnostic } from "../../errors/diagnostic.js";
import { escapeControl, escapeDiagnostic } from "../../errors/escape.js";
import type { Engine } from "../../engine/engine.js";
import { isSecretName } from "../../image/secret-patterns.js";
import { refuse } from "../api-error.js";
import { redactLine, redactText, redactedMark } from "../dashboard-redact.js";

export interface SourceExcerpt {
  /** 1-based number of lines[0]. */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

export type DiagnosticWithSource = Diagnostic & { readonly excerpt?: SourceExcerpt };

const excerptOf = (d: Diagnostic, cwd: string, cache: Map<string, string[] | undefined>): SourceExcerpt | undefined => {
  if (d.file === "" || d.line < 1) return undefined;
  const path = isAbsolute(d.file) ? d.file : resolve(cwd, d.file);
  if (!cache.has(path)) {
    try {
      cache.set(path, readFileSync(path, "utf8").split(/\r?\n/));
    } catch {
      cache.set(path, undefined);
    }
  }
  const lines = cache.get(path);
  if (!lines || lines[d.line - 1] === undefined) return undefined;
  const first = Math.max(1, d.line - 2);
  // Control bytes and escape sequences from the file arrive as visible text (errors/escape.ts).
  return { firstLine: first, lines: lines.slice(first - 1, d.line + 1).map((line) => escapeControl(redactLine(line))) };
};

export const diagnosticsRoute =
  (engine: Engine) =>
  (req: Request, res: Response): void => {
    const name = String(req.params["name"]);
    const project = engine.getState().projects[name];
    if (!project) {
      refuse(res, ApiCodes.unknownProject, `no project "${name}" in the daemon`, "run devloop up first");
      return;
    }
    const cache = new Map<string, string[] | undefined>();
    const cwd = project.request.options.cwd;
    const all = [...project.diagnostics, ...(project.loaded?.warnings ?? [])];
    const out: DiagnosticWithSource[] = all.map((d) => {
      const excerpt = excerptOf(d, cwd, cache);
      // A value quoted under a secret-looking environment key is hidden whatever its shape.
      const key = /\.environment[.[]"?([^."\]]+)"?\]?$/.exec(d.path)?.[1];
      const got = key !== undefined && isSecretName(key) && d.got !== undefined ? redactedMark : redactText(d.got === undefined ? undefined : redactLine(d.got));
      return escapeDiagnostic({ ...d, message: redactText(d.message) ?? "", ...(got === undefined ? {} : { got }), ...(excerpt ? { excerpt } : {}) });
    });
    res.json(out);
  };
