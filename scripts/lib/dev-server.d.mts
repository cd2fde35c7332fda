/** Types for dev-server.mjs, so the TypeScript demo test starts the same server as npm start. */
export declare function startDevServer(options: {
  config: string;
  port: number;
  hostname?: string;
  persist: string;
  vars?: Record<string, string>;
  watch?: boolean;
}): Promise<{ url: string; dispose: () => Promise<void> }>;
