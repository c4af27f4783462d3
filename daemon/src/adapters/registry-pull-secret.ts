/**
 * The cluster port with registry pull credentials: every apply carries the devloop-registry Secret into the
 * namespaces whose pods run the registry's images, and those pods name it in imagePullSecrets
 * (build/registry-auth.ts withPullSecret). Only for a registry that needs credentials (adapters/docker-credentials.ts).
 */
import { withPullSecret } from "../build/registry-auth.js";
import type { ClusterClient } from "../ports/cluster.js";

export const withRegistryPullSecret = (cluster: ClusterClient, host: string, configJson: string): ClusterClient => ({
  ...cluster,
  apply: (manifests, options) => cluster.apply(withPullSecret(manifests, host, configJson), options),
});
