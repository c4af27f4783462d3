/** DL-DOCTOR-017: the service's local image is over the size smell test for its kind; names the largest layers. */
import { formatBytes } from "../thresholds.js";
import type { DoctorCheck } from "./check.js";
import { quote } from "./check.js";

/**
 * "/bin/sh -c #(nop) COPY file:<64 hex> in /app" → "COPY file:8ba454d198f9 in /app";
 * "/bin/sh -c apt-get …" → "RUN apt-get …".
 */
export const layerLabel = (createdBy: string): string => {
  const short = createdBy.replace(/\b(file|dir|multi):([0-9a-f]{12})[0-9a-f]{20,}/g, "$1:$2").trim();
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(short);
  if (nop) return short.slice(nop[0].length);
  const run = /^(?:\/bin\/sh -c |RUN \/bin\/sh -c )/.exec(short);
  if (run) return `RUN ${short.slice(run[0].length)}`;
  return short === "" ? "(imported, no instruction recorded)" : short;
};

export const imageSizeCheck: DoctorCheck = {
  name: "image-size",
  codes: ["DL-DOCTOR-017"],
  run: (analysis) => {
    const image = analysis.image;
    if (!image) return [];
    const { kind } = analysis.config;
    const limit = analysis.thresholds.imageBytes[kind];
    if (image.sizeBytes <= limit) return [];
    const largest = [...image.layers]
      .filter((layer) => layer.sizeBytes > 0)
      .sort((a, b) => b.sizeBytes - a.sizeBytes)
      .slice(0, 3)
      .map((layer) => `${formatBytes(layer.sizeBytes)} ${quote(layerLabel(layer.createdBy), 50)}`);
    const service = analysis.service.name;
    const key = analysis.service.image !== undefined ? `services.${service}.image` : `services.${service}.build`;
    return [
      {
        code: "DL-DOCTOR-017",
        at: analysis.locate.compose(key),
        message: `image ${image.ref} is ${formatBytes(image.sizeBytes)}, over ~${formatBytes(limit)} for a ${kind}${largest.length > 0 ? `; largest layers: ${largest.join("; ")}` : ""}`,
        got: `${image.sizeBytes} bytes`,
      },
    ];
  },
};
