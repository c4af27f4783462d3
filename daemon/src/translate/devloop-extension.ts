/** Reading x-devloop blocks: plain data, never trusted to have the right shape. */
export const xDevloop = (extensions: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> => {
  const value = extensions["x-devloop"];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
};

export const stringField = (block: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const value = block[key];
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
};
