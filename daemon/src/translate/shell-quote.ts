/** One sh word: single-quoted, a ' inside written as '\'' (so spaces, $ and quotes stay literal). */
export const shellQuote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
