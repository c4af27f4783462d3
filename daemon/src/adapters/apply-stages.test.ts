import { describe, expect, it } from "vitest";
import { ClusterError } from "../ports/cluster.js";
import { isolationManifests } from "../policy/isolation.js";
import type { KubeManifest } from "../translate/types.js";
import { applyInStages, applyStages } from "./apply-stages.js";

const m = (kind: string, name = kind.toLowerCase()): KubeManifest => ({ apiVersion: "v1", kind, metadata: { name, namespace: "ns" } });

describe("apply stages", () => {
  it("puts the namespace unit's policies in one round after the Namespace", () => {
    const unit = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } }, ...isolationManifests("ns")];
    expect(applyStages(unit).map((s) => s.map((x) => x.kind))).toEqual([["Namespace"], ["NetworkPolicy", "LimitRange", "ResourceQuota"]]);
  });

  it("applies what pods mount before the pod producers", () => {
    const unit = [m("Deployment"), m("Service"), m("ConfigMap"), m("Pod"), m("PersistentVolumeClaim")];
    expect(applyStages(unit).map((s) => s.map((x) => x.kind))).toEqual([["Service", "ConfigMap", "PersistentVolumeClaim"], ["Deployment", "Pod"]]);
  });

  it("applies a round's objects at once and returns the results in the order given", async () => {
    let running = 0;
    let most = 0;
    const refs = await applyInStages([m("Namespace"), m("NetworkPolicy"), m("LimitRange"), m("ResourceQuota")], async (x) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, x.kind === "NetworkPolicy" ? 20 : 5));
      running--;
      return x.kind;
    });
    expect(refs).toEqual(["Namespace", "NetworkPolicy", "LimitRange", "ResourceQuota"]);
    expect(most).toBe(3);
  });

  it("reports every failure of a round, and runs no later round", async () => {
    const seen: string[] = [];
    const run = applyInStages([m("ConfigMap"), m("Secret"), m("Service"), m("Deployment")], (x) => {
      seen.push(x.kind);
      return x.kind === "Service" ? Promise.resolve(x.kind) : Promise.reject(new ClusterError(`apply ${x.kind} cm: forbidden`, false, 403));
    });
    await expect(run).rejects.toMatchObject({ message: "apply ConfigMap cm: forbidden\napply Secret cm: forbidden", transient: false });
    expect(seen).toEqual(["ConfigMap", "Secret", "Service"]);
  });

  it("keeps one failure as it is, and a round transient only when every failure is", async () => {
    const one = new ClusterError("apply Secret s: unreachable", true);
    await expect(applyInStages([m("Secret")], () => Promise.reject(one))).rejects.toBe(one);
    const mixed = applyInStages([m("Secret"), m("ConfigMap")], (x) => Promise.reject(new ClusterError(x.kind, x.kind === "Secret")));
    await expect(mixed).rejects.toMatchObject({ transient: false });
    const both = applyInStages([m("Secret"), m("ConfigMap")], (x) => Promise.reject(new ClusterError(x.kind, true)));
    await expect(both).rejects.toMatchObject({ transient: true });
  });
});
