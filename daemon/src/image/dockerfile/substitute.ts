/**
 * Dockerfile variable substitution as the builder does it for FROM and ARG/ENV values:
 * $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:+alternative}, ${VAR+alternative}; \$ stays literal.
 * Unknown variables expand to "" (as Docker does); `unresolved` lists them so callers can tell.
 */
export interface Substituted {
  readonly value: string;
  readonly unresolved: readonly string[];
  /** Variables that were read (set or not), in order. */
  readonly used: readonly string[];
}

const pattern = /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export const substitute = (text: string, vars: Readonly<Record<string, string | undefined>>): Substituted => {
  const unresolved: string[] = [];
  const used: string[] = [];
  const value = text.replace(pattern, (whole, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    if (whole === "\\$") return "$";
    const name = braced ?? bare ?? "";
    used.push(name);
    const current = Object.hasOwn(vars, name) ? vars[name] : undefined;
    const set = current !== undefined;
    const nonEmpty = set && current !== "";
    switch (op) {
      case ":-":
        return nonEmpty ? current : substitute(word ?? "", vars).value;
      case "-":
        return set ? current : substitute(word ?? "", vars).value;
      case ":+":
        return nonEmpty ? substitute(word ?? "", vars).value : "";
      case "+":
        return set ? substitute(word ?? "", vars).value : "";
      default:
        if (!set) unresolved.push(name);
        return current ?? "";
    }
  });
  return { value, unresolved, used };
};
