// Pure part of the cluster DNS: the dnsmasq hosts file that maps each Service to its cluster name. A Service
// with a ClusterIP gets one line; a headless Service (clusterIP "None") gets one line per ready address of its
// Endpoints, so its name resolves to the pods themselves (several A records when there are several pods).
// Lines are sorted, so an unchanged cluster gives a byte-identical file (and no dnsmasq reload).

export interface ServiceAddress {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string | undefined;
}

/** The ready addresses of a Service's Endpoints object (same namespace/name as the Service). */
export interface EndpointsAddresses {
  readonly namespace: string;
  readonly name: string;
  readonly addresses: readonly string[];
}

export const CLUSTER_DOMAIN = "cluster.local";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

const isIp = (ip: string): boolean => IPV4.test(ip) || (ip.includes(":") && IPV6.test(ip));

/** Headless ("None"), ExternalName (no ClusterIP) and not-yet-allocated Services have no cluster address. */
export function hasClusterAddress(s: ServiceAddress): s is ServiceAddress & { clusterIP: string } {
  return s.clusterIP !== undefined && isIp(s.clusterIP);
}

export const isHeadless = (s: ServiceAddress): boolean => s.clusterIP === "None";

export function serviceHostname(s: { readonly namespace: string; readonly name: string }, domain: string = CLUSTER_DOMAIN): string {
  return `${s.name}.${s.namespace}.svc.${domain}`;
}

const key = (o: { readonly namespace: string; readonly name: string }): string => `${o.namespace}/${o.name}`;

export function renderHostsFile(
  services: Iterable<ServiceAddress>,
  endpoints: Iterable<EndpointsAddresses> = [],
  domain: string = CLUSTER_DOMAIN,
): string {
  const ready = new Map<string, readonly string[]>();
  for (const e of endpoints) ready.set(key(e), e.addresses);
  const lines = new Set<string>();
  for (const s of services) {
    if (hasClusterAddress(s)) lines.add(`${s.clusterIP} ${serviceHostname(s, domain)}`);
    else if (isHeadless(s)) {
      for (const ip of ready.get(key(s)) ?? []) if (isIp(ip)) lines.add(`${ip} ${serviceHostname(s, domain)}`);
    }
  }
  const sorted = [...lines].sort();
  return `# Written by devloop's scripts/cluster-dns-watcher.ts; do not edit.\n${sorted.map((l) => `${l}\n`).join("")}`;
}
