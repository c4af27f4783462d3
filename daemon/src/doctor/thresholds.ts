/** Size thresholds (bytes, decimal units as Docker prints them). Image kinds come from x-devloop.doctor.kind. */
export const IMAGE_KINDS = ["microservice", "monolith", "data"] as const;
export type ImageKind = (typeof IMAGE_KINDS)[number];

export interface DoctorThresholds {
  /** Build context (after .dockerignore) above this → DL-DOCTOR-007. */
  readonly contextBytes: number;
  /** One file in the context above this → DL-DOCTOR-015. */
  readonly largeFileBytes: number;
  /** Image size above this, per kind → DL-DOCTOR-017. */
  readonly imageBytes: Readonly<Record<ImageKind, number>>;
}

const MB = 1_000_000;

export const DEFAULT_THRESHOLDS: DoctorThresholds = {
  contextBytes: 100 * MB,
  largeFileBytes: 50 * MB,
  // The talks' smell test: ~100 MB for a microservice, ~1 GB for a monolith, data science gets multi-GB.
  imageBytes: { microservice: 100 * MB, monolith: 1000 * MB, data: 10_000 * MB },
};

export const formatBytes = (bytes: number): string => {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = "B";
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${unit}`;
};
