/**
 * The caller's kube target as the CLI sends it with every call (no client-node here: the CLI loads this on every
 * command). Relative KUBECONFIG entries are resolved in the caller's working directory, not the daemon's.
 */
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { kubeHeaders } from "./types.js";

/** The kubeconfig path list KUBECONFIG means, as kubectl reads it: absolute paths; ~/.kube/config when unset. */
export const kubeconfigPaths = (kubeconfig: string | undefined, cwd: string = process.cwd()): string => {
  const list = (kubeconfig ?? "").split(delimiter).filter((f) => f !== "");
  return (list.length > 0 ? list : [join(homedir(), ".kube", "config")]).map((f) => resolve(cwd, f)).join(delimiter);
};

/** The headers naming this process's kube target and allowances (DEVLOOP_ALLOWED_CONTEXTS), URI-encoded. */
export const kubeRequestHeaders = (context: string | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string> => ({
  [kubeHeaders.kubeconfig]: encodeURIComponent(kubeconfigPaths(env["KUBECONFIG"])),
  ...(context === undefined ? {} : { [kubeHeaders.context]: encodeURIComponent(context) }),
  ...(env["DEVLOOP_ALLOWED_CONTEXTS"] === undefined ? {} : { [kubeHeaders.allowedContexts]: encodeURIComponent(env["DEVLOOP_ALLOWED_CONTEXTS"]) }),
});
