/**
 * Pod-wide keys: group_add → securityContext.supplementalGroups, sysctls → securityContext.sysctls (Kubernetes' safe
 * set only), dns / dns_search / dns_opt → dnsConfig. The pod keeps dnsPolicy ClusterFirst, so the cluster's DNS stays
 * first and compose service names still resolve; dns adds upstream servers, as Docker's embedded DNS forwards to them.
 */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";

/**
 * The sysctls every Kubernetes from 1.20 on allows without kubelet flags (the "safe" set). Others make the kubelet
 * refuse the pod (SysctlForbidden) unless its --allowed-unsafe-sysctls lists them.
 */
export const SAFE_SYSCTLS: ReadonlySet<string> = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range"]);

/** Kubernetes' validation limits on dnsConfig (pkg/apis/core/validation). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 6;

export interface PodSecurityContext {
  readonly supplementalGroups?: readonly number[];
  readonly sysctls?: readonly { readonly name: string; readonly value: string }[];
}

export interface PodDnsConfig {
  readonly nameservers?: readonly string[];
  readonly searches?: readonly string[];
  readonly options?: readonly { readonly name: string; readonly value?: string }[];
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** An IPv4 address, or an IPv6 one (hex groups and colons, at most one "::"). */
const isIpAddress = (text: string): boolean =>
  IPV4.test(text) || (/^[0-9a-fA-F:]+$/.test(text) && text.includes(":") && text.split("::").length <= 2 && text.split(":").every((g) => g.length <= 4));

const supplementalGroups = (ctx: TranslateContext, service: ServiceSpec): number[] => {
  const ids: number[] = [];
  service.groupAdd.forEach((group, index) => {
    if (/^\d+$/.test(group.trim())) {
      ids.push(Number(group.trim()));
      return;
    }
    ctx.report({
      code: TranslateCodes.groupName,
      path: `services.${service.name}.group_add[${index}]`,
      message: `group "${group}" is not numeric, so Kubernetes cannot add it (names are resolved inside the image); it is left out`,
      expected: "a numeric group id",
      got: group,
      hint: `look the id up in the image (getent group ${group}) and write it as a number`,
    });
  });
  return [...new Set(ids)];
};

const sysctls = (ctx: TranslateContext, service: ServiceSpec): { name: string; value: string }[] =>
  Object.entries(service.sysctls).flatMap(([name, value]) => {
    if (SAFE_SYSCTLS.has(name)) return [{ name, value }];
    ctx.report({
      code: TranslateCodes.unsafeSysctl,
      path: `services.${service.name}.sysctls.${name}`,
      message: `sysctl ${name} is not in Kubernetes' safe set, so the kubelet would refuse the pod; it is left out`,
      expected: [...SAFE_SYSCTLS].join(", "),
      got: name,
      hint: "on a cluster whose kubelet allows it (--allowed-unsafe-sysctls), set it in a pod template (x-devloop.templates)",
    });
    return [];
  });

const dnsOption = (option: string): { name: string; value?: string } => {
  const cut = option.indexOf(":");
  return cut < 0 ? { name: option.trim() } : { name: option.slice(0, cut).trim(), value: option.slice(cut + 1).trim() };
};

const dnsConfig = (ctx: TranslateContext, service: ServiceSpec): PodDnsConfig | undefined => {
  const nameservers: string[] = [];
  service.dns.forEach((server, index) => {
    const ip = server.trim();
    const path = `services.${service.name}.dns[${index}]`;
    if (!isIpAddress(ip)) {
      ctx.report({ code: TranslateCodes.dnsServer, path, message: `dns server "${server}" is not an IP address; it is left out`, expected: "an IPv4 or IPv6 address", got: server });
    } else if (nameservers.length >= MAX_NAMESERVERS) {
      ctx.report({ code: TranslateCodes.dnsServer, path, message: `a pod takes at most ${MAX_NAMESERVERS} dns servers; ${ip} is left out`, expected: `at most ${MAX_NAMESERVERS} addresses`, got: `${service.dns.length}` });
    } else if (!nameservers.includes(ip)) nameservers.push(ip);
  });
  const searches = [...new Set(service.dnsSearch.map((s) => s.trim()).filter((s) => s !== "" && s !== "."))];
  if (searches.length > MAX_SEARCHES) {
    ctx.report({
      code: TranslateCodes.dnsServer,
      path: `services.${service.name}.dns_search[${MAX_SEARCHES}]`,
      message: `a pod takes at most ${MAX_SEARCHES} search domains; the rest are left out`,
      expected: `at most ${MAX_SEARCHES} domains`,
      got: `${searches.length}`,
    });
    searches.length = MAX_SEARCHES;
  }
  const options = service.dnsOpt.map(dnsOption).filter((o) => o.name !== "");
  const config: PodDnsConfig = {
    ...(nameservers.length > 0 ? { nameservers } : {}),
    ...(searches.length > 0 ? { searches } : {}),
    ...(options.length > 0 ? { options } : {}),
  };
  return Object.keys(config).length > 0 ? config : undefined;
};

/** The pod spec fields these keys become; empty when the service sets none of them. */
export const podOptions = (ctx: TranslateContext, service: ServiceSpec): { securityContext?: PodSecurityContext; dnsConfig?: PodDnsConfig } => {
  const groups = supplementalGroups(ctx, service);
  const safe = sysctls(ctx, service);
  const securityContext: PodSecurityContext = {
    ...(groups.length > 0 ? { supplementalGroups: groups } : {}),
    ...(safe.length > 0 ? { sysctls: safe } : {}),
  };
  const dns = dnsConfig(ctx, service);
  return { ...(Object.keys(securityContext).length > 0 ? { securityContext } : {}), ...(dns ? { dnsConfig: dns } : {}) };
};
