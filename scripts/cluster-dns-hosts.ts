// Pure part of the cluster DNS: the dnsmasq hosts file that maps each Service's ClusterIP to its cluster name.
// One line per Service, sorted, so an unchanged cluster gives a byte-identical file (and no dnsmasq reload).

export interface ServiceAddress {
  readonly namespace: string;
  readonly name: string;
  readonly clusterIP: string | undefined;
}

export const CLUSTER_DOMAIN = "cluster.local";

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;

/** Headless ("None"), ExternalName (no ClusterIP) and not-yet-allocated Services get no line. */
export function hasClusterAddress(s: ServiceAddress): s is ServiceAddress & { clusterIP: string } {
  return s.clusterIP !== undefined && (IPV4.test(s.clusterIP) || (s.clusterIP.includes(":") && IPV6.test(s.clusterIP)));
}

export function serviceHostname(s: ServiceAddress, domain: string = CLUSTER_DOMAIN): string {
  return `${s.name}.${s.namespace}.svc.${domain}`;
}

export function renderHostsFile(services: Iterable<ServiceAddress>, domain: string = CLUSTER_DOMAIN): string {
  const lines: string[] = [];
  for (const s of services) {
    if (hasClusterAddress(s)) lines.push(`${s.clusterIP} ${serviceHostname(s, domain)}`);
  }
  lines.sort();
  return `# Written by devloop's scripts/cluster-dns-watcher.ts; do not edit.\n${lines.map((l) => `${l}\n`).join("")}`;
}
