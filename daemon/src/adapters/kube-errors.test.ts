import { describe, expect, it } from "vitest";
import { ApiException } from "@kubernetes/client-node";
import { rewordKubeError } from "./kube-errors.js";

describe("rewordKubeError", () => {
  it("words a 422 with the field path, not the raw exception", () => {
    const body = JSON.stringify({
      kind: "Status",
      message: 'Deployment.apps "web" is invalid: spec.template.spec.containers[0].image: Required value',
      reason: "Invalid",
      details: { causes: [{ reason: "FieldValueRequired", message: "Required value", field: "spec.template.spec.containers[0].image" }] },
      code: 422,
    });
    const error = rewordKubeError("apply Deployment web in namespace shop-dev1", new ApiException(422, "Unsuccessful HTTP Request", body, { "content-type": "application/json" }));
    expect(error.message).toBe("apply Deployment web in namespace shop-dev1: 422 spec.template.spec.containers[0].image: Required value");
    expect(error.transient).toBe(false);
  });

  it("names the other field manager on a conflict", () => {
    const body = { kind: "Status", reason: "Conflict", message: "Apply failed with 1 conflict", details: { causes: [{ reason: "FieldManagerConflict", message: 'conflict with "kubectl-edit" using apps/v1', field: ".spec.replicas" }] }, code: 409 };
    const error = rewordKubeError("apply Deployment web in namespace dev", new ApiException(409, "Unsuccessful HTTP Request", body, {}));
    expect(error.message).toContain('409 conflict: another field manager owns .spec.replicas (conflict with "kubectl-edit" using apps/v1)');
  });

  it("makes a refused connection a transient 'cannot reach the cluster'", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" });
    const error = rewordKubeError("ping the apiserver", Object.assign(new Error("request to https://127.0.0.1:6443/version failed, reason: connect ECONNREFUSED 127.0.0.1:6443"), { cause }), "https://127.0.0.1:6443");
    expect(error.message).toBe("ping the apiserver: cannot reach the cluster at https://127.0.0.1:6443: ECONNREFUSED");
    expect(error.transient).toBe(true);
  });
});

describe("rewordKubeError on 403", () => {
  it("names the verb, resource, namespace, what was tried and the rule that would fix it", () => {
    const body = {
      kind: "Status",
      reason: "Forbidden",
      message: 'namespaces "team-a" is forbidden: User "system:serviceaccount:team-a:dev" cannot patch resource "namespaces" in API group "" in the namespace "team-a"',
      details: { name: "team-a", kind: "namespaces" },
      code: 403,
    };
    const error = rewordKubeError("apply Namespace team-a", new ApiException(403, "Unsuccessful HTTP Request", JSON.stringify(body), {}));
    expect(error.message).toBe(
      'apply Namespace team-a: forbidden: system:serviceaccount:team-a:dev may not patch namespaces in namespace team-a; it needs a Role + RoleBinding in namespace team-a with {apiGroups: [""], resources: ["namespaces"], verbs: ["patch"]} for system:serviceaccount:team-a:dev (docs/team-clusters.md), or use a namespace it may use (devloop ns list)',
    );
    expect(error.transient).toBe(false);
    expect(error.status).toBe(403);
  });

  it("says cluster scope when no namespace is named", () => {
    const body = { kind: "Status", reason: "Forbidden", message: 'nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope', code: 403 };
    const error = rewordKubeError("list nodes", new ApiException(403, "Unsuccessful HTTP Request", body, {}));
    expect(error.message).toContain("u may not list nodes at cluster scope; it needs a ClusterRole(Binding)");
  });
});
