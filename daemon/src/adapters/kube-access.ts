/**
 * What the identity may do, asked the apiserver with SelfSubjectAccessReview instead of tried and failed: a
 * namespace-scoped identity (a ServiceAccount bound to `edit` in its own namespace) gets a clear answer at once,
 * and devloop never needs a cluster-scope read (namespaces, nodes) on the hot path to decide.
 */
import { AuthorizationV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { rewordKubeError } from "./kube-errors.js";

export interface AccessCheck {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** What devloop does in a project's namespace day to day (up, sync, logs, port-forwards, down). */
export const dailyRights: readonly AccessCheck[] = [
  { verb: "patch", resource: "deployments", group: "apps" },
  { verb: "patch", resource: "services" },
  { verb: "patch", resource: "configmaps" },
  { verb: "list", resource: "pods" },
  { verb: "watch", resource: "pods" },
  { verb: "create", resource: "pods", subresource: "exec" },
  { verb: "create", resource: "pods", subresource: "portforward" },
  { verb: "get", resource: "pods", subresource: "log" },
  { verb: "delete", resource: "deployments", group: "apps" },
];

export const describeCheck = (c: AccessCheck): string => `${c.verb} ${c.resource}${c.subresource === undefined ? "" : `/${c.subresource}`}${c.group === undefined || c.group === "" ? "" : `.${c.group}`}`;

export interface NamespaceAccess {
  readonly namespace: string;
  /** The day-to-day rights it lacks there; empty = devloop can run a project in it. */
  readonly missing: readonly string[];
}

export interface KubeAccess {
  can(check: AccessCheck): Promise<boolean>;
  /** Which of devloop's daily rights the identity lacks in the namespace (one SSAR each, in parallel). */
  namespaceAccess(namespace: string): Promise<NamespaceAccess>;
}

export const createKubeAccess = (kubeConfig: KubeConfig): KubeAccess => {
  const authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  const server = kubeConfig.getCurrentCluster()?.server;
  const can = async (c: AccessCheck): Promise<boolean> => {
    try {
      const review = await authz.createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: {
            resourceAttributes: {
              verb: c.verb,
              resource: c.resource,
              group: c.group ?? "",
              ...(c.subresource === undefined ? {} : { subresource: c.subresource }),
              ...(c.namespace === undefined ? {} : { namespace: c.namespace }),
              ...(c.name === undefined ? {} : { name: c.name }),
            },
          },
        },
      });
      return review.status?.allowed === true;
    } catch (error) {
      throw rewordKubeError(`ask whether this identity may ${describeCheck(c)}${c.namespace === undefined ? "" : ` in namespace ${c.namespace}`}`, error, server);
    }
  };
  return {
    can,
    async namespaceAccess(namespace) {
      const answers = await Promise.all(dailyRights.map(async (r) => ({ r, ok: await can({ ...r, namespace }) })));
      return { namespace, missing: answers.filter((a) => !a.ok).map((a) => describeCheck(a.r)) };
    },
  };
};
