/** Types for worker.mjs, so TypeScript tests can share the Miniflare startup with the bench script. */
import type { Miniflare } from "miniflare";

export declare const ROOT: string;
export declare const DASHBOARD_TOKEN: string;
export declare function startWorker(options?: { port?: number; bindings?: Record<string, string>; consumeActions?: boolean }): Promise<{ mf: Miniflare; url: URL; db: D1Database; dispose: () => Promise<void> }>;
export declare function login(mf: Miniflare, url: URL): Promise<string>;
