/**
 * CPU time by component on the local bed (Linux /proc and cgroup v1 cpuacct), to say where a transfer's work goes
 * when wall times only follow the machine's load: this process, the children it reaped (kubectl, tar), the
 * apiserver, node 1's kubelet, dockerd, containerd and its shims, and one pod's cgroup (the container's tar, the
 * exec'd shell). Cumulative counters are read before and after; the difference is the CPU spent meanwhile (other work
 * on the machine adds to the shared daemons' figures, not to this process's or the pod's).
 */
import { readdirSync, readFileSync } from "node:fs";

export type CpuSample = Readonly<Record<string, number>>;

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const tick = 10;

const statOf = (pid: string): { comm: string; cpuMs: number; childMs: number } | undefined => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    // fields[0] is state (field 3): utime 14, stime 15, cutime 16, cstime 17.
    const n = (i: number): number => Number(fields[i - 3] ?? 0);
    return { comm: text.slice(text.indexOf("(") + 1, close), cpuMs: (n(14) + n(15)) * tick, childMs: (n(16) + n(17)) * tick };
  } catch {
    return undefined;
  }
};

const argsOf = (pid: string): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** Which component a process is, or undefined (node 2's daemons, everything else). */
const componentOf = (comm: string, args: string): string | undefined => {
  if (args.includes("devloop-node2")) return undefined;
  if (comm === "kube-apiserver") return "apiserver";
  if (comm === "kubelet") return "kubelet";
  if (comm === "dockerd") return "dockerd";
  if (comm === "containerd") return "containerd";
  if (comm.startsWith("containerd-shim")) return "shims";
  return undefined;
};

const podCgroupMs = (podUid: string | undefined): number => {
  if (podUid === undefined) return 0;
  for (const qos of ["", "burstable/", "besteffort/"]) {
    try {
      return Number(readFileSync(`/sys/fs/cgroup/cpuacct/kubepods/${qos}pod${podUid}/cpuacct.usage`, "utf8")) / 1e6;
    } catch { /* another QoS class */ }
  }
  return 0;
};

/** The counters now; `podUid` names the pod whose cgroup is read. */
export const cpuSample = (podUid?: string): CpuSample => {
  const out: Record<string, number> = { self: 0, children: 0, apiserver: 0, kubelet: 0, dockerd: 0, containerd: 0, shims: 0, pod: podCgroupMs(podUid) };
  const self = process.cpuUsage();
  out["self"] = (self.user + self.system) / 1000;
  out["children"] = statOf("self")?.childMs ?? 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const s = statOf(pid);
    if (s === undefined) continue;
    const c = componentOf(s.comm, s.comm === "dockerd" || s.comm === "containerd" || s.comm === "kubelet" ? argsOf(pid) : "");
    if (c !== undefined) out[c] = (out[c] ?? 0) + s.cpuMs;
  }
  return out;
};

/** after − before, by component (a shim that ended meanwhile is lost: its share counts as 0, never negative). */
export const cpuSpent = (before: CpuSample, after: CpuSample): CpuSample =>
  Object.fromEntries(Object.keys(after).map((k) => [k, Math.max(0, (after[k] ?? 0) - (before[k] ?? 0))]));

export const cpuComponents = ["self", "children", "apiserver", "kubelet", "dockerd", "containerd", "shims", "pod"] as const;
