/**
 * The compose file's own image-delivery settings, at the top level: `x-devloop: { image_delivery: registry, registry:
 * registry.example.com/team }`. How built images reach the cluster (build/image-delivery.ts decides, per project):
 * a CLI flag or the caller's DEVLOOP_IMAGE_DELIVERY / DEVLOOP_REGISTRY come first, then these, then the facts.
 * A bad value is a located error (DL-COMPOSE-011, DL-COMPOSE-010), as for any compose key. The other x-devloop keys
 * (templates, allowed_contexts, doctor) are read where they are used.
 */
import type { LMap } from "./located.js";
import { get } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { ProjectDelivery } from "./types.js";

export type { ProjectDelivery } from "./types.js";

/** What x-devloop.image_delivery takes: auto (decide from the cluster), registry, engine (the shared Docker engine), kind. */
export const IMAGE_DELIVERY_CHOICES = ["auto", "registry", "engine", "kind"] as const satisfies readonly NonNullable<ProjectDelivery["imageDelivery"]>[];

/** The keys of the top-level x-devloop block this module reads (the key walk loads each). */
export const PROJECT_DELIVERY_KEYS = ["image_delivery", "registry"] as const;

/** A registry as an image reference starts: host[:port] and an optional lowercase path, no scheme, no tag. */
export const REGISTRY_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:\d{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*\/?$/;

/** The top-level x-devloop's delivery keys, or undefined when neither is set (or x-devloop is not a mapping). */
export const normalizeProjectDelivery = (ctx: NormalizeContext, root: LMap): ProjectDelivery | undefined => {
  const block = get(root, "x-devloop");
  if (block?.kind !== "map") return undefined;
  const imageDelivery = ctx.oneOf(get(block, "image_delivery"), "x-devloop.image_delivery", IMAGE_DELIVERY_CHOICES);
  const registryNode = get(block, "registry");
  let registry = ctx.str(registryNode, "x-devloop.registry");
  if (registry !== undefined && registryNode !== undefined && !REGISTRY_PATTERN.test(registry)) {
    ctx.report("invalidValue", registryNode, "x-devloop.registry", "x-devloop.registry is not a registry address", {
      expected: "host[:port][/path] as an image reference starts, without a scheme or tag (e.g. registry.example.com/team, 127.0.0.1:5000)",
      got: JSON.stringify(registry),
    });
    registry = undefined;
  }
  if (imageDelivery === undefined && registry === undefined) return undefined;
  return { ...(imageDelivery === undefined ? {} : { imageDelivery }), ...(registry === undefined ? {} : { registry: registry.replace(/\/+$/, "") }) };
};
