/**
 * Which services are enabled. A service without profiles is always on; the active profiles are --profile,
 * else COMPOSE_PROFILES (comma-separated, may come from .env); "*" enables all. Services named on the command
 * line enable their profiles, and the result is those services plus their depends_on chain. Depending on a
 * disabled service is an error unless the dependency has required: false (then the edge is dropped).
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import type { NormalizedModel } from "./normalize.js";
import { listNames, makeDiagnostic, nearest } from "./report.js";
import type { ServiceSpec } from "./types.js";

export interface ProfileSelection {
  readonly activeProfiles: readonly string[];
  readonly enabled: ReadonlySet<string>;
  readonly services: Record<string, ServiceSpec>;
  readonly disabled: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

export const selectServices = (params: {
  readonly model: NormalizedModel;
  readonly profiles: readonly string[];
  readonly composeProfilesVar: string | undefined;
  readonly requested: readonly string[];
}): ProfileSelection => {
  const { model } = params;
  const diagnostics: Diagnostic[] = [];
  const all = model.services;
  const names = Object.keys(all);
  const active = new Set(
    params.profiles.length > 0
      ? params.profiles
      : (params.composeProfilesVar ?? "").split(",").map((s) => s.trim()).filter((s) => s !== ""),
  );
  const requested: string[] = [];
  for (const name of params.requested) {
    const spec = all[name];
    if (!spec) {
      const suggestion = nearest(name, names);
      diagnostics.push(makeDiagnostic("unknownServiceArg", undefined, "", `no such service: ${JSON.stringify(name)}`, { expected: `one of ${listNames(names)}`, ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : {}) }));
      continue;
    }
    requested.push(name);
    for (const p of spec.profiles) active.add(p);
  }
  const wildcard = active.has("*");
  const onByProfile = (spec: ServiceSpec): boolean => spec.profiles.length === 0 || wildcard || spec.profiles.some((p) => active.has(p));

  let enabled: Set<string>;
  if (params.requested.length > 0) {
    enabled = new Set();
    // The requested services and their depends_on chains (without recursion: chains can be long).
    const pending = [...requested].reverse();
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      const spec = all[name];
      if (enabled.has(name) || !spec) continue;
      enabled.add(name);
      pending.push(...Object.keys(spec.dependsOn).reverse());
    }
  } else {
    enabled = new Set(names.filter((n) => onByProfile(all[n] as ServiceSpec)));
  }

  const services: Record<string, ServiceSpec> = {};
  for (const name of names) {
    if (!enabled.has(name)) continue;
    const spec = all[name] as ServiceSpec;
    let dependsOn = spec.dependsOn;
    for (const [dep, d] of Object.entries(spec.dependsOn)) {
      if (!all[dep] || enabled.has(dep)) continue;
      if (d.required) {
        const node = model.refs.get(name)?.dependsOn.get(dep);
        const profiles = all[dep].profiles;
        diagnostics.push(
          makeDiagnostic("dependsOnDisabled", node?.loc, `services.${name}.depends_on.${dep}`, `service ${JSON.stringify(name)} depends on ${JSON.stringify(dep)}, which is not enabled by the active profiles`, {
            expected: `one of the profiles ${profiles.map((p) => JSON.stringify(p)).join(", ")} to be active`,
            got: active.size === 0 ? "no active profiles" : `active profiles ${[...active].map((p) => JSON.stringify(p)).join(", ")}`,
            hint: `enable it with --profile ${profiles[0] ?? ""}, or mark the dependency required: false`,
          }),
        );
      } else {
        const { [dep]: _dropped, ...rest } = dependsOn;
        dependsOn = rest;
      }
    }
    services[name] = dependsOn === spec.dependsOn ? spec : { ...spec, dependsOn };
  }
  return {
    activeProfiles: [...active].sort(),
    enabled,
    services,
    disabled: names.filter((n) => !enabled.has(n)),
    diagnostics,
  };
};
