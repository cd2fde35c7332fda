/** Types for the part of wrangler.mjs the TypeScript tests use. */
export declare function query(sql: string, persistTo?: string): unknown[];
export declare function executeFile(file: string, persistTo?: string): string;
export declare const WRANGLER: string;
export declare const QUIET_ENV: Record<string, string | undefined>;
