// Types of ansi.js for the daemon's TypeScript (its unit test); the dashboard reads the JSDoc in ansi.js itself.
export interface AnsiStyle {
  fg?: string;
  bg?: string;
  fgStyle?: string;
  bgStyle?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}
export declare const stripAnsi: (line: string) => string;
export declare const ansiRuns: (line: string) => { text: string; style: AnsiStyle }[];
export declare const ansiNodes: (line: string) => (Node | string)[];
