/**
 * deploy.resources.reservations.devices (GPU requests), checked as compose-go does: each needs capabilities
 * (compose-spec.json "required": ["capabilities"]), count is a number or "all" (types DeviceCount), and count and
 * device_ids are exclusive (loader validation: "count" and "device_ids" attributes are exclusive).
 */
import { describe, get, joinPath, type LNode } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";

export const checkDeviceRequests = (ctx: NormalizeContext, node: LNode | undefined, p: string): void => {
  if (node === undefined) return;
  if (node.kind !== "seq") {
    ctx.wrongType(node, p, "a list of device requests ({capabilities, count, device_ids, driver, options})");
    return;
  }
  node.items.forEach((item, i) => {
    const ip = joinPath(p, i);
    const m = ctx.map(item, ip);
    if (!m) return;
    const capabilities = get(m, "capabilities");
    if (capabilities === undefined) ctx.report("wrongType", m, ip, `${ip} needs capabilities`, { expected: "capabilities: [gpu]" });
    else ctx.strList(capabilities, `${ip}.capabilities`);
    const count = get(m, "count");
    if (count !== undefined) {
      const v = count.kind === "scalar" ? count.value : undefined;
      const ok = typeof v === "number" ? Number.isInteger(v) : typeof v === "string" && (v.toLowerCase() === "all" || /^-?\d+$/.test(v));
      if (!ok) ctx.report("invalidValue", count, `${ip}.count`, `${ip}.count is not a number of devices`, { expected: 'a whole number or "all"', got: describe(count) });
    }
    const ids = get(m, "device_ids");
    if (ids !== undefined) ctx.strList(ids, `${ip}.device_ids`);
    if (count !== undefined && ids !== undefined) {
      ctx.report("invalidValue", ids, `${ip}.device_ids`, `${ip} sets both count and device_ids`, {
        expected: "count or device_ids, not both",
        got: "count and device_ids",
        hint: "device_ids names the devices; drop count",
      });
    }
  });
};
