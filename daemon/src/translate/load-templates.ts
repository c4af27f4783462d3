/**
 * Reads the object skeletons from templates/k8s/*.yaml and validates them: the only file in translate/
 * that touches the disk (the CLI and the daemon call it, then pass the result into toManifests as data).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, LineCounter, parseDocument } from "yaml";
import type { Diagnostic } from "../errors/diagnostic.js";
import { TranslateCodes } from "./codes.js";
import { isPlainObject, TEMPLATE_KINDS } from "./templates.js";
import type { ManifestTemplates } from "./types.js";

/** templates/k8s in the devloop package. */
export const BUILTIN_TEMPLATE_DIR = fileURLToPath(new URL("../../../templates/k8s/", import.meta.url));
/** templates/compilers in the devloop package (x-devloop.compile presets; compile/load-compiler-presets.ts reads them). */
export const BUILTIN_COMPILER_PRESET_DIR = fileURLToPath(new URL("../../../templates/compilers/", import.meta.url));

const API_VERSIONS: Readonly<Record<string, string>> = {
  Namespace: "v1",
  ConfigMap: "v1",
  Secret: "v1",
  PersistentVolumeClaim: "v1",
  Service: "v1",
  Deployment: "apps/v1",
  Job: "batch/v1",
};

export interface LoadTemplatesResult {
  readonly templates: ManifestTemplates;
  readonly diagnostics: readonly Diagnostic[];
}

/** Validate one parsed template; returns problems as [path, message] pairs. */
export const checkTemplate = (value: unknown): { kind?: string; problems: [string, string][] } => {
  if (!isPlainObject(value)) return { problems: [["", "a template must be a YAML mapping"]] };
  const kind = value["kind"];
  const problems: [string, string][] = [];
  if (typeof kind !== "string" || !(TEMPLATE_KINDS as readonly string[]).includes(kind)) {
    problems.push(["kind", `kind must be one of ${TEMPLATE_KINDS.join(", ")}; got ${JSON.stringify(kind)}`]);
    return { problems };
  }
  const apiVersion = value["apiVersion"];
  if (apiVersion !== undefined && apiVersion !== API_VERSIONS[kind]) problems.push(["apiVersion", `apiVersion of a ${kind} must be ${API_VERSIONS[kind]}; got ${JSON.stringify(apiVersion)}`]);
  const metadata = value["metadata"];
  if (metadata !== undefined && !isPlainObject(metadata)) problems.push(["metadata", "metadata must be a mapping"]);
  if (isPlainObject(metadata)) {
    for (const key of ["name", "namespace"]) if (key in metadata) problems.push([`metadata.${key}`, `metadata.${key} is generated and cannot be set in a template`]);
  }
  return { kind, problems };
};

export const loadTemplates = (dir: string = BUILTIN_TEMPLATE_DIR): LoadTemplatesResult => {
  const templates: Record<string, Readonly<Record<string, unknown>>> = {};
  const diagnostics: Diagnostic[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
  for (const file of files) {
    const fullPath = path.join(dir, file);
    const lineCounter = new LineCounter();
    const doc = parseDocument(readFileSync(fullPath, "utf8"), { lineCounter });
    const at = (keyPath: string): { line: number; column: number } => {
      const node = keyPath === "" ? doc.contents : doc.getIn(keyPath.split("."), true);
      const offset = (node as { range?: [number, number] } | undefined)?.range?.[0] ?? 0;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    };
    const report = (keyPath: string, message: string, where = at(keyPath)): void => {
      diagnostics.push({ code: TranslateCodes.badTemplate, severity: "error", file: fullPath, ...where, path: keyPath, message });
    };
    if (doc.errors.length > 0) {
      for (const error of doc.errors) report("", error.message, { line: error.linePos?.[0].line ?? 1, column: error.linePos?.[0].col ?? 1 });
      continue;
    }
    if (!isMap(doc.contents)) {
      report("", "a template must be a YAML mapping");
      continue;
    }
    const value: unknown = doc.toJS();
    const { kind, problems } = checkTemplate(value);
    problems.forEach(([keyPath, message]) => report(keyPath, message));
    if (kind === undefined || problems.length > 0) continue;
    if (templates[kind] !== undefined) {
      report("kind", `a second template for ${kind}`);
      continue;
    }
    templates[kind] = value as Record<string, unknown>;
  }
  return { templates, diagnostics };
};
