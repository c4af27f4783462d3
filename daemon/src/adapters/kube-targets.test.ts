import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubeconfigPaths } from "../api/kube-target.js";
import type { ProjectState } from "../engine/state.js";
import { createKubeTargets, projectTargets } from "./kube-targets.js";

const dir = mkdtempSync(join(tmpdir(), "devloop-kube-targets-"));
const kubeconfig = (current: string, contexts: readonly string[]): string =>
  `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: { server: "https://127.0.0.1:1" }
users:
- name: u
  user: { token: t }
contexts:
${contexts.map((c) => `- name: ${c}\n  context: { cluster: c, user: u, namespace: ${c}-ns }`).join("\n")}
current-context: ${current}
`;

describe("kube targets", () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("pins the caller's current context, or the one it names, from its own kubeconfig", () => {
    const file = join(dir, "a.kubeconfig");
    writeFileSync(file, kubeconfig("team-a", ["team-a", "kind-x"]));
    const targets = createKubeTargets();
    expect(targets.pin({ kubeconfig: file })).toEqual({ kubeconfig: file, context: "team-a", server: "https://127.0.0.1:1", user: "u", namespace: "team-a-ns" });
    expect(targets.pin({ kubeconfig: file, context: "kind-x" }).context).toBe("kind-x");
    expect(() => targets.pin({ kubeconfig: file, context: "prod" })).toThrow(`kube context "prod" is not in kubeconfig ${file}; it has: team-a, kind-x`);
  });

  it("resolves relative KUBECONFIG entries in the caller's directory", () => {
    expect(kubeconfigPaths("a.yaml:/abs/b.yaml", "/home/me/src")).toBe("/home/me/src/a.yaml:/abs/b.yaml");
  });

  it("routes a namespace to the target its project was pinned to, else the daemon's own", () => {
    const project = (name: string, namespace: string, request: Partial<ProjectState["request"]>): ProjectState =>
      ({ name, request: { name, options: {}, isolation: true, namespace, ...request }, previousNamespaces: [`${namespace}-old`] }) as unknown as ProjectState;
    const owners = projectTargets(() => ({ a: project("a", "ns-a", { kubeconfig: "/k/team", context: "team" }), b: project("b", "ns-b", {}) }), { kubeconfig: "/k/admin" });
    expect(owners.targetOf("ns-a")).toEqual({ kubeconfig: "/k/team", context: "team" });
    expect(owners.targetOf("ns-a-old")).toEqual({ kubeconfig: "/k/team", context: "team" });
    expect(owners.targetOf("ns-b")).toEqual({ kubeconfig: "/k/admin" });
    expect(owners.targetOf("elsewhere")).toEqual({ kubeconfig: "/k/admin" });
  });
});
