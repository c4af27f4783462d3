/** Mounts the loader accepted with a Windows path or type: npipe (as compose-go does): a Linux cluster cannot mount them. */
import { TranslateCodes } from "./codes.js";
import type { TranslateContext } from "./context.js";

export const reportWindowsMounts = (ctx: TranslateContext): void => {
  for (const service of Object.values(ctx.project.services)) {
    for (const mount of service.windowsMounts ?? []) {
      const what = mount.source === undefined ? mount.target : `${mount.source} → ${mount.target}`;
      ctx.report({
        code: TranslateCodes.windowsMount,
        path: mount.path,
        message: `${what} is a Windows path or named pipe; the Linux cluster cannot mount it, so the mount is left out`,
        hint: "mount a Linux path (/data) for a Linux image",
      });
    }
  }
};
