/**
 * The default namespace a project runs in: "<project>-<user>", so two developers sharing a cluster never
 * collide. Shared by `devloop render` and the daemon.
 */
import { toDnsLabel } from "./names.js";

/** Normalise a user name (from os.userInfo()) for use in a namespace: "Jane.Doe" → "jane-doe". */
export const normalizeUser = (user: string): string => toDnsLabel(user === "" ? "user" : user, 30);

export const defaultNamespace = (project: string, user: string): string =>
  toDnsLabel(`${project}-${normalizeUser(user)}`);
