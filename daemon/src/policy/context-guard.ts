/**
 * The context guard: devloop deploys only to kube contexts that are known local clusters, or that the developer
 * allowed (DEVLOOP_ALLOWED_CONTEXTS, the compose file's top-level `x-devloop.allowed_contexts`, `up --allow-context`).
 * A shared or production cluster is never used by accident because it happens to be the current context.
 */

/** The local test bed's context (scripts/local-cluster writes it into admin.kubeconfig). */
export const bedContext = "devloop-local";

const localExact = new Set([bedContext, "minikube", "docker-desktop", "docker-for-desktop", "rancher-desktop", "orbstack", "colima"]);
const localPrefixes = ["kind-", "k3d-", "colima-"];

/** Is this the name local cluster tools give their contexts (the bed, kind-*, k3d-*, minikube, Docker Desktop…)? */
export const isLocalContext = (context: string): boolean => localExact.has(context) || localPrefixes.some((p) => context.startsWith(p) && context.length > p.length);

/** DEVLOOP_ALLOWED_CONTEXTS: comma-separated, blanks ignored. */
export const parseAllowedContexts = (value: string | undefined): readonly string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** The top-level `x-devloop: { allowed_contexts: [...] }` of a compose file; anything else is ignored. */
export const composeAllowedContexts = (extensions: Readonly<Record<string, unknown>>): readonly string[] => {
  const block = extensions["x-devloop"];
  if (block === null || typeof block !== "object") return [];
  const list = (block as Record<string, unknown>)["allowed_contexts"];
  if (typeof list === "string") return [list];
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === "string" && v !== "") : [];
};

export interface ContextAllowances {
  /** From the caller's DEVLOOP_ALLOWED_CONTEXTS. */
  readonly env: readonly string[];
  /** From the compose file's x-devloop.allowed_contexts. */
  readonly compose: readonly string[];
  /** From `up --allow-context NAME` (repeatable). */
  readonly flags: readonly string[];
}

export type ContextDecision =
  | { readonly ok: true; readonly by: "local" | "DEVLOOP_ALLOWED_CONTEXTS" | "x-devloop.allowed_contexts" | "--allow-context" }
  | { readonly ok: false; readonly message: string; readonly hint: string };

export const checkContext = (context: string, allowed: ContextAllowances): ContextDecision => {
  if (isLocalContext(context)) return { ok: true, by: "local" };
  if (allowed.flags.includes(context)) return { ok: true, by: "--allow-context" };
  if (allowed.env.includes(context)) return { ok: true, by: "DEVLOOP_ALLOWED_CONTEXTS" };
  if (allowed.compose.includes(context)) return { ok: true, by: "x-devloop.allowed_contexts" };
  return {
    ok: false,
    message: `refusing to deploy to kube context "${context}": it is not a known local cluster (kind-*, k3d-*, minikube, docker-desktop, rancher-desktop, orbstack, colima, ${bedContext}) and nothing allows it`,
    hint: `allow it with one of: DEVLOOP_ALLOWED_CONTEXTS=${context} (comma-separated), "x-devloop: { allowed_contexts: [${context}] }" at the top of the compose file, or devloop up --allow-context ${context}`,
  };
};
