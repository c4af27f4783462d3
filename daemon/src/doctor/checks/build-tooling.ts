/**
 * DL-DOCTOR-014: a single-stage build whose (only, final) stage is a toolchain image (golang, rust, gcc,
 * maven…) or installs compilers and -dev packages with apt-get/apk/dnf/yum.
 */
import type { DockerfileInstruction } from "../../image/dockerfile/parse-dockerfile.js";
import { imageBaseName } from "../../image/dockerfile/image-ref.js";
import { commandWords, runScript, splitShellCommands } from "../../image/dockerfile/shell-commands.js";
import type { DoctorCheck } from "./check.js";
import { stageLabel } from "./check.js";

const toolchainImages = new Set(["golang", "rust", "gcc", "maven", "gradle", "buildpack-deps", "sdk", "openjdk", "eclipse-temurin", "swift", "haskell"]);
const toolchainPackages = new Set([
  "build-essential",
  "build-base",
  "gcc",
  "g++",
  "clang",
  "make",
  "cmake",
  "autoconf",
  "automake",
  "libtool",
  "golang",
  "golang-go",
  "go",
  "rustc",
  "cargo",
  "gfortran",
  "maven",
  "gradle",
  "default-jdk",
]);

const isToolchainPackage = (name: string): boolean => {
  const bare = name.replace(/[=<>].*$/, "").toLowerCase();
  return toolchainPackages.has(bare) || /-dev(?:el)?$/.test(bare) || /^openjdk-\d+-jdk/.test(bare);
};

/** Packages a RUN installs with apt-get/apt/apk/dnf/yum/microdnf. */
export const installedPackages = (instruction: DockerfileInstruction): string[] => {
  const packages: string[] = [];
  for (const words of splitShellCommands(runScript(instruction))) {
    const command = commandWords(words);
    const [manager = "", ...rest] = command;
    const sub = rest.find((word) => !word.startsWith("-"));
    const installs =
      ((manager === "apt-get" || manager === "apt" || manager === "dnf" || manager === "yum" || manager === "microdnf") && sub === "install") ||
      (manager === "apk" && sub === "add");
    if (!installs) continue;
    packages.push(...rest.slice(rest.indexOf(sub ?? "") + 1).filter((word) => !word.startsWith("-") && !word.includes("$")));
  }
  return packages;
};

export const buildToolingCheck: DoctorCheck = {
  name: "build-tooling",
  codes: ["DL-DOCTOR-014"],
  run: (analysis) => {
    const dockerfile = analysis.dockerfile;
    const final = dockerfile?.graph.final;
    if (!dockerfile || !final || dockerfile.graph.stages.length !== 1) return [];
    const base = imageBaseName(final.base.image);
    if (toolchainImages.has(base)) {
      return [
        {
          code: "DL-DOCTOR-014",
          at: dockerfile.locate.instruction(final.from, `${stageLabel(final)} FROM`),
          message: `the only stage is built FROM ${final.base.image}, a full toolchain image, so the compiler ships in the final image`,
        },
      ];
    }
    const tools: string[] = [];
    let first: DockerfileInstruction | undefined;
    for (const instruction of final.instructions) {
      if (instruction.keyword !== "RUN") continue;
      const found = installedPackages(instruction).filter(isToolchainPackage);
      if (found.length > 0) first ??= instruction;
      tools.push(...found);
    }
    if (!first) return [];
    return [
      {
        code: "DL-DOCTOR-014",
        at: dockerfile.locate.instruction(first, `${stageLabel(final)} RUN`),
        message: `single-stage build installs build tooling in the final image: ${[...new Set(tools)].join(", ")}`,
      },
    ];
  },
};
