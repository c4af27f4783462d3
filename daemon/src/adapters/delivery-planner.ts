/**
 * The DeliveryPlanner (ports/delivery-planner.ts): each project's image delivery decided under its own kube target.
 * The facts (its nodes, when that identity may list them; this Docker engine's name) are gathered for each plan
 * (adapters/delivery-facts.ts), except when the settings choose docker or registry outright; under registry the
 * Docker config's credentials for it are read then (adapters/docker-credentials.ts) and kept for the push and for
 * the pull Secret of the namespaces whose pods pull from it. No secret value leaves this module but to Docker and
 * the Secret.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type Docker from "dockerode";
import { chooseImageDelivery } from "../build/image-delivery.js";
import type { DeliverySettings } from "../build/image-delivery.js";
import type { DeliveryPlanner, PlannedDelivery } from "../ports/delivery-planner.js";
import type { KubeTargetRef } from "../ports/kube-targets.js";
import type { GatheredDeliveryFacts } from "./delivery-facts.js";
import { gatherDeliveryFacts } from "./delivery-facts.js";
import type { PushAuth, RegistryCredentials } from "./docker-credentials.js";
import { readRegistryCredentials } from "./docker-credentials.js";

export interface RegistryDeliveryPlanner extends DeliveryPlanner {
  /** The push credentials for a registry a plan chose (undefined: anonymous). */
  pushAuth(registry: string): PushAuth | undefined;
  /** The push credentials of a registry host a plan chose (for its HTTP API: adapters/registry-http.ts). */
  hostAuth(host: string): PushAuth | undefined;
  /** The pull Secret's .dockerconfigjson for a registry a plan chose, when its credentials are a username and password. */
  pullSecret(registry: string): { readonly host: string; readonly configJson: string } | undefined;
}

export interface DeliveryPlannerParams {
  /** The project's kubeconfig, its context selected (adapters/kube-targets.ts bundle). */
  readonly kubeConfigOf: (target: KubeTargetRef) => KubeConfig;
  readonly docker?: Docker;
  readonly gather?: (kubeConfig: KubeConfig) => Promise<GatheredDeliveryFacts>;
  readonly readCredentials?: (registry: string) => Promise<RegistryCredentials>;
}

/** Settings that need no look at the nodes: the shared engine or a registry, chosen outright. */
const outright = (settings: DeliverySettings): boolean => settings.explicit === "docker" || settings.explicit === "engine" || settings.explicit === "registry";

export const createDeliveryPlanner = (params: DeliveryPlannerParams): RegistryDeliveryPlanner => {
  const gather = params.gather ?? ((kc: KubeConfig) => gatherDeliveryFacts(kc, params.docker === undefined ? {} : { docker: params.docker }));
  const readCredentials = params.readCredentials ?? ((registry: string) => readRegistryCredentials(registry));
  const credentials = new Map<string, RegistryCredentials>();
  return {
    async plan(target, settings): Promise<PlannedDelivery> {
      const kubeConfig = params.kubeConfigOf(target);
      const facts: GatheredDeliveryFacts = outright(settings) ? { nodes: [] } : await gather(kubeConfig);
      const kubeContext = kubeConfig.getCurrentContext();
      const decision = chooseImageDelivery({
        nodes: facts.nodes,
        ...(facts.dockerEngineName === undefined ? {} : { dockerEngineName: facts.dockerEngineName }),
        ...(kubeContext === "" ? {} : { kubeContext }),
        ...settings,
      });
      const notes = facts.note === undefined ? [] : [`nodes unknown: ${facts.note}`];
      if (decision.ok && decision.delivery.strategy === "registry") {
        const found = await readCredentials(decision.delivery.registry);
        credentials.set(decision.delivery.registry, found);
        notes.push(found.note);
      }
      return { decision, ...(notes.length === 0 ? {} : { note: notes.join("; ") }) };
    },
    pushAuth: (registry) => credentials.get(registry)?.push,
    hostAuth: (host) => [...credentials.values()].find((c) => c.host === host)?.push,
    pullSecret(registry) {
      const found = credentials.get(registry);
      return found?.pullConfigJson === undefined ? undefined : { host: found.host, configJson: found.pullConfigJson };
    },
  };
};
