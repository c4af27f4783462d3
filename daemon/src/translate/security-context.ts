/** user, cap_add/cap_drop, privileged and read_only → the container's securityContext. */
import type { ServiceSpec } from "../compose/types.js";
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";

export interface SecurityContext {
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly privileged?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
}

const capability = (cap: string): string => cap.toUpperCase().replace(/^CAP_/, "");

/** "1000", "1000:1000" → ids; names → undefined. */
export const parseUser = (user: string): { uid?: number; gid?: number } | undefined => {
  const match = /^(\d+)(?::(\d+))?$/.exec(user.trim());
  if (!match) return undefined;
  return { uid: Number(match[1]), ...(match[2] === undefined ? {} : { gid: Number(match[2]) }) };
};

export const toSecurityContext = (ctx: TranslateContext, service: ServiceSpec): SecurityContext | undefined => {
  const out: { -readonly [K in keyof SecurityContext]: SecurityContext[K] } = {};
  if (service.user !== undefined) {
    const ids = parseUser(service.user);
    if (ids === undefined) {
      ctx.report({
        code: TranslateCodes.userName,
        path: `services.${service.name}.user`,
        message: `user "${service.user}" is not numeric, so Kubernetes cannot run as it; the image's user is used`,
        expected: "a numeric uid or uid:gid",
        got: service.user,
        hint: "look the id up in the image (id -u NAME) and write it as user: \"1000:1000\"",
      });
    } else {
      if (ids.uid !== undefined) out.runAsUser = ids.uid;
      if (ids.gid !== undefined) out.runAsGroup = ids.gid;
    }
  }
  if (service.privileged === true) out.privileged = true;
  if (service.readOnly === true) out.readOnlyRootFilesystem = true;
  const add = service.capAdd.map(capability);
  const drop = service.capDrop.map(capability);
  if (add.length > 0 || drop.length > 0) {
    out.capabilities = { ...(add.length > 0 ? { add } : {}), ...(drop.length > 0 ? { drop } : {}) };
  }
  return Object.keys(out).length > 0 ? out : undefined;
};
