/** Every check, in report order. */
import { addUrlCheck } from "./add-url.js";
import { aptLayersCheck } from "./apt-layers.js";
import { buildToolingCheck } from "./build-tooling.js";
import { cacheBustingCheck } from "./cache-busting.js";
import type { DoctorCheck } from "./check.js";
import { contextFilesCheck } from "./context-files.js";
import { dockerfileSyntaxCheck } from "./dockerfile-syntax.js";
import { heredocCheck } from "./heredoc.js";
import { imageSizeCheck } from "./image-size.js";
import { pid1SignalsCheck } from "./pid1-signals.js";
import { rootUserCheck } from "./root-user.js";
import { secretValuesCheck } from "./secret-values.js";
import { unpinnedImageCheck } from "./unpinned-image.js";
import { upxBinariesCheck } from "./upx-binaries.js";

export const ALL_CHECKS: readonly DoctorCheck[] = [
  rootUserCheck,
  unpinnedImageCheck,
  secretValuesCheck,
  contextFilesCheck,
  cacheBustingCheck,
  aptLayersCheck,
  addUrlCheck,
  pid1SignalsCheck,
  buildToolingCheck,
  upxBinariesCheck,
  heredocCheck,
  dockerfileSyntaxCheck,
  imageSizeCheck,
];
