/**
 * The container environment, highest precedence first: `environment:` (a bare key takes its value from the
 * interpolation environment; when that has none the variable stays unset, as compose-go's OverrideBy leaves it),
 * then env_file entries in order (a later one wins; `required: false` skips a missing file; `format: raw` takes
 * values literally), then the image.
 * The project .env reaches a container only when it is listed under env_file.
 */
import path from "node:path";
import { displayPath } from "./discover.js";
import { parseDotenv } from "./dotenv.js";
import { dotenvDiagnostic, tooLargeEnvFile } from "./environment.js";
import { maxInputLength } from "./nesting.js";
import type { LNode } from "./located.js";
import { describe, get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { ExpansionBudget } from "./template.js";
import type { ComposeFileSystem, EnvFileSpec } from "./types.js";

export interface ContainerEnvironment {
  readonly envFiles: EnvFileSpec[];
  readonly environment: Record<string, string>;
  readonly sources: Record<string, string>;
}

export const normalizeEnvFiles = (ctx: NormalizeContext, node: LNode | undefined, path_: string): { spec: EnvFileSpec; node: LNode }[] => {
  if (node === undefined) return [];
  const items = node.kind === "seq" ? node.items : [node];
  const out: { spec: EnvFileSpec; node: LNode }[] = [];
  items.forEach((item, i) => {
    const p = node.kind === "seq" ? joinPath(path_, i) : path_;
    if (item.kind === "scalar" && typeof item.value === "string") {
      out.push({ spec: { path: path.resolve(item.loc.baseDir, item.value), required: true }, node: item });
      return;
    }
    if (item.kind === "map") {
      const pathNode = get(item, "path");
      const file = ctx.str(pathNode, `${p}.path`);
      if (pathNode === undefined) ctx.report("wrongType", item, p, "an env_file entry needs a path", { expected: "path: ./file.env" });
      if (file === undefined || pathNode === undefined) return;
      const required = ctx.bool(get(item, "required"), `${p}.required`) ?? true;
      const format = get(item, "format") === undefined ? undefined : ctx.oneOf(get(item, "format"), `${p}.format`, ["raw"] as const);
      out.push({ spec: { path: path.resolve(pathNode.loc.baseDir, file), required, ...(format ? { format } : {}) }, node: pathNode });
      return;
    }
    ctx.wrongType(item, p, "a path or {path, required, format}");
  });
  return out;
};

export const resolveContainerEnvironment = (params: {
  readonly ctx: NormalizeContext;
  readonly service: LNode;
  readonly path: string;
  readonly interpolationEnv: Readonly<Record<string, string>>;
  readonly fs: ComposeFileSystem;
  readonly cwd: string;
  readonly budget?: ExpansionBudget;
}): ContainerEnvironment => {
  const { ctx, service, interpolationEnv, fs, cwd } = params;
  const lookup = (name: string): string | undefined => (Object.hasOwn(interpolationEnv, name) ? interpolationEnv[name] : undefined);

  // environment: first (compose-go resolves it before reading env files); undefined = bare key with no value.
  const declared = new Map<string, string | undefined>();
  const envNode = get(service, "environment");
  const envPath = `${params.path}.environment`;
  if (envNode !== undefined) {
    if (envNode.kind === "seq") {
      envNode.items.forEach((item, i) => {
        if (item.kind === "scalar" && (item.value === null || item.value === "" || String(item.value).startsWith("="))) {
          ctx.report("invalidEnvironment", item, joinPath(envPath, i), "invalid environment entry", { expected: 'a "KEY=value" or "KEY" string', got: describe(item) });
        }
      });
    }
    for (const [key, { value }] of ctx.strMap(envNode, envPath) ?? []) {
      if (key !== "") declared.set(key, value ?? lookup(key));
    }
  }

  const environment: Record<string, string> = {};
  const sources: Record<string, string> = {};
  // Variables in env files resolve from the interpolation environment, then from environment:.
  const fileLookup = (name: string): string | undefined => lookup(name) ?? declared.get(name);
  const files = normalizeEnvFiles(ctx, get(service, "env_file"), `${params.path}.env_file`);
  for (const { spec, node } of files) {
    const text = fs.readFile(spec.path);
    const display = displayPath(spec.path, cwd);
    if (text === undefined) {
      if (spec.required) {
        ctx.report("envFileNotFound", node, `${params.path}.env_file`, `env file ${display} does not exist`, { hint: "create it, or mark the entry required: false" });
      }
      continue;
    }
    if (text.length > maxInputLength) {
      ctx.diagnostics.push(tooLargeEnvFile(display, text.length));
      continue;
    }
    const parsed = parseDotenv(text, { lookup: fileLookup, raw: spec.format === "raw", ...(params.budget ? { budget: params.budget } : {}) });
    for (const p of parsed.problems) ctx.diagnostics.push(dotenvDiagnostic(display, p));
    for (const e of parsed.entries) {
      const value = e.value ?? fileLookup(e.key);
      if (value === undefined) continue;
      environment[e.key] = value;
      sources[e.key] = display;
    }
  }
  // environment: wins; a bare key with no value anywhere leaves the variable unset, even if an env file set it.
  for (const [key, value] of declared) {
    if (value === undefined) {
      delete environment[key];
      delete sources[key];
    } else {
      environment[key] = value;
      sources[key] = "environment";
    }
  }
  return { envFiles: files.map((f) => f.spec), environment, sources };
};
