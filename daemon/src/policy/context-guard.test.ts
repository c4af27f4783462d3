import { describe, expect, it } from "vitest";
import { checkContext, composeAllowedContexts, isLocalContext, parseAllowedContexts } from "./context-guard.js";

const none = { env: [], compose: [], flags: [] };

describe("context guard", () => {
  it("allows the local cluster names: the bed, kind-*, k3d-*, minikube, Docker/Rancher Desktop, OrbStack, Colima", () => {
    for (const c of ["devloop-local", "kind-dev", "k3d-dev", "minikube", "docker-desktop", "rancher-desktop", "orbstack", "colima"]) expect(isLocalContext(c), c).toBe(true);
    for (const c of ["prod", "kind-", "gke_acme_europe-west1_main", "team-dev", "arn:aws:eks:eu-west-1:1:cluster/kind-x"]) expect(isLocalContext(c), c).toBe(false);
  });

  it("refuses any other context, naming it and the three ways to allow it", () => {
    const decision = checkContext("team-dev", none);
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision.message).toContain('kube context "team-dev"');
    expect(decision.hint).toContain("DEVLOOP_ALLOWED_CONTEXTS=team-dev");
    expect(decision.hint).toContain("x-devloop: { allowed_contexts: [team-dev] }");
    expect(decision.hint).toContain("--allow-context team-dev");
  });

  it("allows a context named by the environment, the compose file or the flag, and says which", () => {
    expect(checkContext("team-dev", { ...none, env: parseAllowedContexts(" other , team-dev,") })).toEqual({ ok: true, by: "DEVLOOP_ALLOWED_CONTEXTS" });
    expect(checkContext("team-dev", { ...none, compose: composeAllowedContexts({ "x-devloop": { allowed_contexts: ["team-dev"] } }) })).toEqual({ ok: true, by: "x-devloop.allowed_contexts" });
    expect(checkContext("team-dev", { ...none, flags: ["team-dev"] })).toEqual({ ok: true, by: "--allow-context" });
    expect(checkContext("team-dev", { ...none, env: ["team"], compose: composeAllowedContexts({ "x-devloop": { allowed_contexts: "other" } }) }).ok).toBe(false);
  });
});
