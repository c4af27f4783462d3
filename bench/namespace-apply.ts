/**
 * Issue 10: the namespace unit (Namespace, NetworkPolicy, LimitRange, ResourceQuota) applied by kube-cluster.ts in
 * rounds (adapters/apply-stages.ts: the Namespace, then the three policies at once) against one object per call, one
 * after another (how it was applied before), into fresh namespaces, alternating, on the bed. Medians, ms.
 *
 *   eval "$(bash scripts/local-cluster env)"; npm run bench -- namespace-apply
 */
import { createKubeCluster } from "../daemon/src/adapters/kube-cluster.js";
import { isolationManifests } from "../daemon/src/policy/isolation.js";
import type { KubeManifest } from "../daemon/src/translate/types.js";
import { loadBedKubeConfig } from "../daemon/test/integration/helpers/index.js";

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export const benchNamespaceApply = async (rounds = Number(process.env["DEVLOOP_BENCH_ROUNDS"] ?? 7)): Promise<string> => {
  const cluster = createKubeCluster({ kubeConfig: loadBedKubeConfig() });
  const unit = (ns: string): KubeManifest[] => [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "app.kubernetes.io/managed-by": "devloop" } } }, ...isolationManifests(ns)];
  const options = { fieldManager: "devloop", recreateImmutable: true };
  const staged: number[] = [];
  const oneByOne: number[] = [];
  const made: string[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const ways: [number[], (ms: KubeManifest[]) => Promise<unknown>][] = [
        [staged, (ms) => cluster.apply(ms, options)],
        [oneByOne, async (ms) => { for (const m of ms) await cluster.apply([m], options); }],
      ];
      for (const [times, apply] of round % 2 === 0 ? ways : [...ways].reverse()) {
        const ns = `dlnsapply${Math.random().toString(36).slice(2, 7)}`;
        made.push(ns);
        const started = performance.now();
        await apply(unit(ns));
        times.push(performance.now() - started);
      }
    }
  } finally {
    await Promise.allSettled(made.map((ns) => cluster.deleteNamespace(ns)));
  }
  const fmt = (xs: readonly number[]): string => `${Math.round(median(xs))} ms (${xs.map((x) => Math.round(x)).join(", ")})`;
  return [
    "| namespace unit (Namespace, NetworkPolicy, LimitRange, ResourceQuota) into a fresh namespace | median (rounds) |",
    "| --- | --- |",
    `| one object per call, one after another (before) | ${fmt(oneByOne)} |`,
    `| in rounds: the Namespace, then the three at once (apply-stages.ts) | ${fmt(staged)} |`,
    `| ratio | ${(median(oneByOne) / median(staged)).toFixed(2)}× |`,
  ].join("\n");
};
