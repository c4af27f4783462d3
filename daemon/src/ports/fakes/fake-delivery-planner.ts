/**
 * A DeliveryPlanner for engine tests: the test says what each kube context's cluster is like (`docker`: it runs on
 * this engine; `registry-only`: it does not, and its nodes are unknown), and the decision is the real pure one
 * (build/image-delivery.ts) from those facts and the settings given. Every plan call is kept, with its target and
 * settings; `hold()` keeps the answers back until `release()`.
 */
import { chooseImageDelivery } from "../../build/image-delivery.js";
import type { DeliverySettings } from "../../build/image-delivery.js";
import type { DeliveryPlanner, PlannedDelivery } from "../delivery-planner.js";
import type { KubeTargetRef } from "../kube-targets.js";

export interface FakeDeliveryPlanner extends DeliveryPlanner {
  readonly calls: { readonly target: KubeTargetRef; readonly settings: DeliverySettings }[];
  /** The cluster behind a context: "docker" = one node on this Docker engine; "remote" = nodes this identity may not list. */
  setCluster(context: string, kind: "docker" | "remote"): void;
  hold(): void;
  release(): void;
}

export const createFakeDeliveryPlanner = (): FakeDeliveryPlanner => {
  const calls: { target: KubeTargetRef; settings: DeliverySettings }[] = [];
  const clusters = new Map<string, "docker" | "remote">();
  let held: (() => void)[] | undefined;
  const answer = (target: KubeTargetRef, settings: DeliverySettings): PlannedDelivery => {
    const kind = clusters.get(target.context ?? "") ?? "docker";
    const nodes = kind === "docker" ? [{ name: "engine", containerRuntime: "docker://20.10.24" }] : [];
    return {
      decision: chooseImageDelivery({ nodes, dockerEngineName: "engine", ...(target.context === undefined ? {} : { kubeContext: target.context }), ...settings }),
      ...(kind === "remote" ? { note: "nodes unknown: this identity may not list nodes" } : {}),
    };
  };
  return {
    calls,
    setCluster: (context, kind) => void clusters.set(context, kind),
    hold: () => void (held ??= []),
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const go of waiting) go();
    },
    plan(target, settings) {
      calls.push({ target, settings });
      if (held === undefined) return Promise.resolve(answer(target, settings));
      const queue = held;
      return new Promise((resolve) => queue.push(() => resolve(answer(target, settings))));
    },
  };
};
