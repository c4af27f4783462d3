/**
 * Object skeletons ("templates") the translator fills. A template is a partial object of its kind; the
 * generated object is merged over it: mappings merge key by key, the generated value wins, and arrays are
 * replaced, except `containers`, where the template's first container is merged under every container.
 * A project adds its own skeletons under the top-level x-devloop.templates.<Kind>, merged over the defaults.
 */
import type { ComposeProject } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";
import { xDevloop } from "./devloop-extension.js";
import type { KubeManifest, ManifestTemplates } from "./types.js";

export const TEMPLATE_KINDS = ["Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "Service", "Deployment", "Job"] as const;

type Json = Readonly<Record<string, unknown>>;

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Merge `over` onto `base` (see the rules above). Neither input is modified. */
export const mergeOver = (base: unknown, over: unknown, key?: string): unknown => {
  if (over === undefined) return base;
  if (key === "containers" && Array.isArray(base) && Array.isArray(over)) {
    const skeleton: unknown = base[0];
    return isPlainObject(skeleton) ? over.map((c) => mergeOver(skeleton, c)) : over;
  }
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeOver(base[k], v, k) : v;
  // Keys only the template has come after the generated ones, so generated output keeps its order.
  for (const [k, v] of Object.entries(base)) if (!(k in over)) out[k] = v;
  return out;
};

/** Apply the template of the manifest's kind, if any. */
export const applyTemplate = (manifest: KubeManifest, templates: ManifestTemplates): KubeManifest => {
  const template = templates[manifest.kind];
  if (template === undefined) return manifest;
  const { apiVersion: _a, kind: _k, ...body } = template as Json & { apiVersion?: unknown; kind?: unknown };
  return mergeOver(body, manifest) as KubeManifest;
};

/** The project's own skeletons (x-devloop.templates) merged over the given ones; bad entries are reported and skipped. */
export const withProjectTemplates = (ctx: TranslateContext, base: ManifestTemplates): ManifestTemplates => {
  const own = projectTemplates(ctx.project);
  if (own === undefined) return base;
  if (!isPlainObject(own)) {
    ctx.report({ code: TranslateCodes.badTemplate, path: "x-devloop.templates", message: "x-devloop.templates must be a mapping of kind → partial object", got: typeof own });
    return base;
  }
  const out: Record<string, Json> = { ...base };
  for (const [kind, template] of Object.entries(own)) {
    if (!(TEMPLATE_KINDS as readonly string[]).includes(kind) || !isPlainObject(template)) {
      ctx.report({
        code: TranslateCodes.badTemplate,
        path: `x-devloop.templates.${kind}`,
        message: `x-devloop.templates.${kind} is ignored`,
        expected: `one of ${TEMPLATE_KINDS.join(", ")}, each a mapping`,
        got: kind,
      });
      continue;
    }
    out[kind] = mergeOver(base[kind] ?? {}, template) as Json;
  }
  return out;
};

const projectTemplates = (project: ComposeProject): unknown => xDevloop(project.extensions)["templates"];
