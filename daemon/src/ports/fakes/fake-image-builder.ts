/**
 * An ImageBuilder for engine tests: the content of each service's context is whatever the test set (setContent),
 * the tag is "<repo>:dl-<content>", a build of a tag already built is skipped (like the real builder's exists()),
 * and each build waits until the test finishes it (finish / fail), so tests see the "building" phase. With
 * options.noBuild (up --no-build) nothing builds: a missing tag runs request.image when that exists, else rejects.
 * The ref is the tag, or "<registry>/<tag>" when options.delivery says registry (as the real builder pushes).
 */
import { deliveredReference } from "../../build/image-delivery.js";
import type { BuildStepProgress, ImageBuildOptions, ImageBuildRequest, ImageBuildResult, ImageBuilder } from "../image-builder.js";

interface Pending {
  readonly request: ImageBuildRequest;
  readonly onLine: (line: string) => void;
  readonly onProgress?: (progress: BuildStepProgress) => void;
  resolve(result: ImageBuildResult): void;
  reject(error: Error): void;
}

export interface FakeImageBuilder extends ImageBuilder {
  /** Every build call, in order (skipped ones too). */
  readonly calls: ImageBuildRequest[];
  /** The caller's environment each build call was given (for environment-sourced build secrets), in call order. */
  readonly environments: (Readonly<Record<string, string | undefined>> | undefined)[];
  /** The options each build call was given, in call order. */
  readonly options: (ImageBuildOptions | undefined)[];
  /** Services whose build has been called and not finished. */
  running(): string[];
  setContent(service: string, content: string): void;
  /** Finishes the oldest running build of the service, after emitting these output lines. */
  finish(service: string, lines?: readonly string[]): void;
  fail(service: string, message: string, lines?: readonly string[]): void;
  /** The running build of the service reports these steps (as the BuildKit progress reader would). */
  progress(service: string, ...steps: readonly BuildStepProgress[]): void;
  readonly images: Set<string>;
}

const repositoryOf = (image: string): string => image.replace(/:[^:/]*$/, "");

export const createFakeImageBuilder = (): FakeImageBuilder => {
  const calls: ImageBuildRequest[] = [];
  const environments: (Readonly<Record<string, string | undefined>> | undefined)[] = [];
  const options: (ImageBuildOptions | undefined)[] = [];
  const images = new Set<string>();
  const contents = new Map<string, string>();
  const pending: Pending[] = [];
  const tagOf = (request: ImageBuildRequest): string => `${repositoryOf(request.image)}:dl-${contents.get(request.service) ?? "0"}`;
  const take = (service: string): Pending => {
    const index = pending.findIndex((p) => p.request.service === service);
    const found = pending[index];
    if (!found) throw new Error(`no build of ${service} is running`);
    pending.splice(index, 1);
    return found;
  };
  return {
    calls,
    environments,
    options,
    images,
    running: () => pending.map((p) => p.request.service),
    setContent: (service, content) => void contents.set(service, content),
    exists: (image) => Promise.resolve(images.has(image)),
    build(request, onLine, onProgress, environment, given) {
      calls.push(request);
      environments.push(environment);
      options.push(given);
      const tag = tagOf(request);
      const ref = given?.delivery === undefined ? tag : deliveredReference(given.delivery, tag);
      if (images.has(tag)) {
        onLine(`image ${tag} is up to date`);
        return Promise.resolve({ tag, ref, skipped: true, ms: 3 });
      }
      if (given?.noBuild === true) {
        if (images.has(request.image)) return Promise.resolve({ tag: request.image, ref: request.image, skipped: true, ms: 2 });
        return Promise.reject(new Error(`${request.service}: up --no-build, and no image of it exists: neither ${tag} nor ${request.image}`));
      }
      return new Promise<ImageBuildResult>((resolve, reject) => {
        pending.push({
          request,
          onLine,
          ...(onProgress === undefined ? {} : { onProgress }),
          resolve: (r) => {
            images.add(tag);
            resolve(r);
          },
          reject,
        });
      }).then((r) => ({ ...r, tag, ref }));
    },
    finish(service, lines = []) {
      const p = take(service);
      for (const l of lines) p.onLine(l);
      p.resolve({ tag: "", ref: "", skipped: false, ms: 1500 });
    },
    progress(service, ...steps) {
      const p = pending.find((x) => x.request.service === service);
      if (!p) throw new Error(`no build of ${service} is running`);
      for (const s of steps) p.onProgress?.(s);
    },
    fail(service, message, lines = []) {
      const p = take(service);
      for (const l of lines) p.onLine(l);
      p.reject(new Error(message));
    },
  };
};
