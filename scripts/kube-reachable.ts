/**
 * Exit 0 when the current kubeconfig context answers /version within 3 s, 1 otherwise (with the reason on stderr).
 * Used by scripts/quickstart to decide whether the embedded local cluster is needed.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { KubeConfig, VersionApi } from "@kubernetes/client-node";

const kc = new KubeConfig();
try {
  kc.loadFromDefault();
} catch (error) {
  process.stderr.write(`no usable kubeconfig: ${(error as Error).message}\n`);
  process.exit(1);
}
const context = kc.getCurrentContext();
// With no kubeconfig at all, client-node makes up a "loaded-context" pointing at http://localhost:8080.
const noKubeconfig = !process.env["KUBECONFIG"] && !existsSync(path.join(homedir(), ".kube", "config")) && context === "loaded-context";
if (noKubeconfig) {
  process.stderr.write("no kubeconfig (KUBECONFIG is unset and ~/.kube/config does not exist)\n");
  process.exit(1);
}
if (!context || !kc.getCurrentCluster()) {
  process.stderr.write("no current kubeconfig context\n");
  process.exit(1);
}
const timeout = setTimeout(() => {
  process.stderr.write(`context ${context} did not answer within 3 s\n`);
  process.exit(1);
}, 3000);
try {
  const version = await kc.makeApiClient(VersionApi).getCode();
  clearTimeout(timeout);
  process.stderr.write(`context ${context} is reachable (Kubernetes ${version.gitVersion})\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`context ${context} is not reachable: ${(error as Error).message}\n`);
  process.exit(1);
}
