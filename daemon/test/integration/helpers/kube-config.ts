// Where the test bed's kubeconfig lives: $KUBECONFIG if set, else the one scripts/local-cluster writes.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";

export const DEFAULT_CLUSTER_STATE_DIR = "/var/lib/devloop/cluster";

export function bedStateDir(): string {
  return process.env["DEVLOOP_CLUSTER_STATE"] ?? DEFAULT_CLUSTER_STATE_DIR;
}

export function bedKubeconfigPath(): string {
  const fromEnv = process.env["KUBECONFIG"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv.split(":")[0] ?? fromEnv;
  return join(bedStateDir(), "admin.kubeconfig");
}

/** Loads the bed's kubeconfig; throws with the command to run when the bed was never brought up. */
export function loadBedKubeConfig(): KubeConfig {
  const path = bedKubeconfigPath();
  if (!existsSync(path)) {
    throw new Error(`no kubeconfig at ${path}; start the test bed first: sudo scripts/local-cluster up`);
  }
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
