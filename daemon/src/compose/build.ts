/**
 * services.*.build: a context string or the long form. Every key of the Compose build section is read and
 * type-checked here; which of them reach the image build is build/build-request.ts's business, the ones the
 * classic Docker builder cannot honour are warned about by translate (support.ts, buildSupport).
 */
import path from "node:path";
import type { LNode } from "./located.js";
import { get } from "./located.js";
import { normalizeExtraHosts } from "./extra-hosts.js";
import { normalizeAttestation, normalizeBuildSecrets, normalizeBuildSsh, normalizeBuildUlimits } from "./build-options.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { BuildSpec } from "./types.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A build context is a directory (made absolute) or a remote source (git URL, https://…), kept as written. */
const resolveContext = (baseDir: string, context: string): string =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith("git@") || context.startsWith("github.com/") ? context : path.resolve(baseDir, context);

export const normalizeBuild = (ctx: NormalizeContext, node: LNode | undefined, p: string, lookup: (k: string) => string | undefined): BuildSpec | undefined => {
  if (node === undefined) return undefined;
  if (node.kind === "scalar" && typeof node.value === "string") {
    return { context: resolveContext(node.loc.baseDir, node.value), dockerfile: "Dockerfile", args: {}, labels: {}, cacheFrom: [], extraHosts: [] };
  }
  const m = ctx.map(node, p);
  if (!m) {
    if (node.kind === "scalar" && node.value === null) ctx.wrongType(node, p, "a context path or a mapping");
    return undefined;
  }
  const contextNode = get(m, "context");
  const context = ctx.str(contextNode, `${p}.context`) ?? ".";
  const spec: Mutable<BuildSpec> = {
    context: resolveContext((contextNode ?? m).loc.baseDir, context),
    dockerfile: ctx.str(get(m, "dockerfile"), `${p}.dockerfile`) ?? "Dockerfile",
    args: {},
    labels: {},
    cacheFrom: ctx.strList(get(m, "cache_from"), `${p}.cache_from`) ?? [],
    extraHosts: [],
  };
  const args: Record<string, string> = {};
  for (const [k, { value }] of ctx.strMap(get(m, "args"), `${p}.args`) ?? []) {
    const v = value ?? lookup(k);
    if (v !== undefined) args[k] = v;
  }
  spec.args = args;
  const labels: Record<string, string> = {};
  for (const [k, { value }] of ctx.strMap(get(m, "labels"), `${p}.labels`) ?? []) labels[k] = value ?? "";
  spec.labels = labels;
  spec.extraHosts = normalizeExtraHosts(ctx, get(m, "extra_hosts"), `${p}.extra_hosts`);
  const inline = ctx.str(get(m, "dockerfile_inline"), `${p}.dockerfile_inline`);
  if (inline !== undefined) spec.dockerfileInline = inline;
  const target = ctx.str(get(m, "target"), `${p}.target`);
  if (target !== undefined) spec.target = target;
  const network = ctx.str(get(m, "network"), `${p}.network`);
  if (network !== undefined) spec.network = network;
  const shm = ctx.bytes(get(m, "shm_size"), `${p}.shm_size`);
  if (shm !== undefined) spec.shmSize = shm;
  const noCache = ctx.bool(get(m, "no_cache"), `${p}.no_cache`);
  if (noCache !== undefined) spec.noCache = noCache;
  const pull = ctx.bool(get(m, "pull"), `${p}.pull`);
  if (pull !== undefined) spec.pull = pull;
  const lists = { tags: "tags", platforms: "platforms", cacheTo: "cache_to", entitlements: "entitlements", noCacheFilter: "no_cache_filter" } as const;
  for (const [field, key] of Object.entries(lists) as [keyof typeof lists, string][]) {
    const list = ctx.strList(get(m, key), `${p}.${key}`);
    if (list !== undefined) spec[field] = list;
  }
  const ulimits = normalizeBuildUlimits(ctx, get(m, "ulimits"), `${p}.ulimits`);
  if (ulimits !== undefined) spec.ulimits = ulimits;
  const secrets = normalizeBuildSecrets(ctx, get(m, "secrets"), `${p}.secrets`);
  if (secrets !== undefined) spec.secrets = secrets;
  const ssh = normalizeBuildSsh(ctx, get(m, "ssh"), `${p}.ssh`);
  if (ssh !== undefined) spec.ssh = ssh;
  const contexts = ctx.strMap(get(m, "additional_contexts"), `${p}.additional_contexts`);
  if (contexts !== undefined) spec.additionalContexts = Object.fromEntries([...contexts].map(([k, { value }]) => [k, value ?? ""]));
  const privileged = ctx.bool(get(m, "privileged"), `${p}.privileged`);
  if (privileged !== undefined) spec.privileged = privileged;
  const provenance = normalizeAttestation(ctx, get(m, "provenance"), `${p}.provenance`);
  if (provenance !== undefined) spec.provenance = provenance;
  const sbom = normalizeAttestation(ctx, get(m, "sbom"), `${p}.sbom`);
  if (sbom !== undefined) spec.sbom = sbom;
  const isolation = ctx.str(get(m, "isolation"), `${p}.isolation`);
  if (isolation !== undefined) spec.isolation = isolation;
  return spec;
};
