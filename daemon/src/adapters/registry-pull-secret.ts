/**
 * The cluster port with registry pull credentials: every apply carries the devloop-registry Secret into the
 * namespaces whose pods run the registry's images, and those pods name it in imagePullSecrets
 * (build/registry-auth.ts withPullSecret). Only for a registry that needs credentials (adapters/docker-credentials.ts):
 * `pullFor` says, per namespace, which registry the project there pushes to and its credentials (the project's own
 * delivery, main.ts), or undefined.
 */
import { withPullSecret } from "../build/registry-auth.js";
import type { ClusterClient } from "../ports/cluster.js";

export type PullSecretSource = (namespace: string) => { readonly host: string; readonly configJson: string } | undefined;

export const withRegistryPullSecret = (cluster: ClusterClient, pullFor: PullSecretSource): ClusterClient => ({
  ...cluster,
  apply: (manifests, options) => {
    const first = manifests[0];
    const pull = first === undefined ? undefined : pullFor(first.metadata.namespace ?? first.metadata.name);
    return cluster.apply(pull === undefined ? manifests : withPullSecret(manifests, pull.host, pull.configJson), options);
  },
});
