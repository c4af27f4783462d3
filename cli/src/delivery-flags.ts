/** `up` and `build`'s --image-delivery / --registry: the first level of a project's delivery settings (build/image-delivery.ts). */
import { IMAGE_DELIVERY_CHOICES, REGISTRY_PATTERN } from "../../daemon/src/compose/project-delivery.js";
import { UserError } from "./user-error.js";

/** --image-delivery / --registry, checked as the compose file's x-devloop keys are (a bad value is a user error). */
export const deliveryFlags = (flags: { readonly imageDelivery?: string; readonly registry?: string }): { imageDelivery?: string; registry?: string } => {
  if (flags.imageDelivery !== undefined && !(IMAGE_DELIVERY_CHOICES as readonly string[]).includes(flags.imageDelivery)) {
    throw new UserError(`--image-delivery expects one of ${IMAGE_DELIVERY_CHOICES.join(", ")}; got "${flags.imageDelivery}"`);
  }
  if (flags.registry !== undefined && !REGISTRY_PATTERN.test(flags.registry)) {
    throw new UserError(`--registry expects host[:port][/path] as an image reference starts, without a scheme or tag (e.g. registry.example.com/team); got "${flags.registry}"`);
  }
  return { ...(flags.imageDelivery === undefined ? {} : { imageDelivery: flags.imageDelivery }), ...(flags.registry === undefined ? {} : { registry: flags.registry.replace(/\/+$/, "") }) };
};
