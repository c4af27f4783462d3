/** The state of one toManifests() call: inputs, the name table, and the diagnostics collected so far. */
import type { ComposeProject } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { translateDiagnostic, type TranslateDiagnosticParams } from "./diagnostics.js";
import type { TranslateOptions } from "./types.js";

export interface TranslateContext {
  readonly project: ComposeProject;
  readonly options: TranslateOptions;
  readonly namespace: string;
  /** Compose service → Kubernetes object name (workload, Service, container). */
  readonly workloadNames: ReadonlyMap<string, string>;
  /** Compose service → Service name (a DNS-1035 label). */
  readonly serviceNames: ReadonlyMap<string, string>;
  readonly diagnostics: Diagnostic[];
  /** Add a diagnostic located through the project's source map. */
  readonly report: (params: TranslateDiagnosticParams) => void;
}

export const createContext = (
  project: ComposeProject,
  options: TranslateOptions,
  names: { workloadNames: ReadonlyMap<string, string>; serviceNames: ReadonlyMap<string, string> },
): TranslateContext => {
  const diagnostics: Diagnostic[] = [];
  return {
    project,
    options,
    namespace: options.namespace,
    ...names,
    diagnostics,
    report: (params) => diagnostics.push(translateDiagnostic(project, params)),
  };
};

export const workloadName = (ctx: TranslateContext, service: string): string => ctx.workloadNames.get(service) ?? service;
export const serviceName = (ctx: TranslateContext, service: string): string => ctx.serviceNames.get(service) ?? service;
