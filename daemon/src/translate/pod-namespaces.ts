/**
 * network_mode and ipc forms that stay in the service's own pod: host → hostNetwork / hostIPC (with a warning: the
 * pod sees the node's network or IPC), none and network names → nothing (no pod equivalent, reported), bridge and
 * default → nothing (a pod's network is the cluster network). service:<name> and container:<name> join another
 * service's pod (pod-join.ts).
 */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";

/** The service a "service:<name>" / "container:<name>" value names, or undefined for the other forms. */
export const joinReference = (value: string | undefined): { form: "service" | "container"; name: string } | undefined => {
  const m = /^(service|container):(.+)$/.exec(value ?? "");
  return m === null ? undefined : { form: m[1] as "service" | "container", name: m[2] ?? "" };
};

export const podNamespaces = (ctx: TranslateContext, service: ServiceSpec): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  const p = `services.${service.name}`;
  const mode = service.networkMode;
  if (mode === "host") {
    out["hostNetwork"] = true;
    // Service names still resolve through the cluster DNS.
    out["dnsPolicy"] = "ClusterFirstWithHostNet";
    ctx.report({
      code: TranslateCodes.hostNamespace,
      path: `${p}.network_mode`,
      message: "network_mode: host becomes hostNetwork: true: the pod uses the node's network (on a remote cluster that is the node, not your machine), and its ports must be free there",
      hint: "remove network_mode unless the service really needs the node's network; services reach each other by name without it",
    });
  } else if (mode !== undefined && mode !== "bridge" && mode !== "default" && joinReference(mode) === undefined) {
    ctx.report({
      code: TranslateCodes.namespaceNotReproduced,
      path: `${p}.network_mode`,
      message:
        mode === "none"
          ? "network_mode: none is not reproduced: a pod always has the cluster network, so the service can reach (and be reached by) other pods"
          : `network_mode: ${mode} is not reproduced: the pod is on the cluster network like every pod`,
      ...(mode === "none" ? { hint: "restrict it with a NetworkPolicy through x-devloop.templates if isolation matters" } : { hint: "list the network under networks: instead" }),
    });
  }
  const ipc = service.ipc;
  if (ipc === "host") {
    out["hostIPC"] = true;
    ctx.report({
      code: TranslateCodes.hostNamespace,
      path: `${p}.ipc`,
      message: "ipc: host becomes hostIPC: true: the pod shares the node's IPC namespace",
    });
  } else if (ipc !== undefined && joinReference(ipc) === undefined) {
    ctx.report({
      code: TranslateCodes.namespaceNotReproduced,
      path: `${p}.ipc`,
      message: `ipc: ${ipc} is not reproduced: the containers of one pod always share an IPC namespace, and no other pod can join it`,
      ...(ipc === "shareable" ? { hint: "a service that needs this one's IPC namespace joins its pod with ipc: service:<name>" } : {}),
    });
  }
  return out;
};
