/**
 * The network edge in runtime tests: `globalThis.fetch` answers only the routes a test declares,
 * the way the vendor would, and fails (and records) anything else. The Credential Durable Object
 * runs in the same isolate under vitest-pool-workers, so its token calls meet the same edge.
 */
import { vi } from "vitest";

export interface EdgeCall {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export type Handler = (call: EdgeCall) => Response | Promise<Response>;

export function vendorEdge(routes: Record<string, Handler>) {
  const calls: EdgeCall[] = [];
  const unexpected: string[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init);
    const url = new URL(req.url);
    const call: EdgeCall = { method: req.method, url, headers: req.headers, body: req.method === "GET" ? "" : new TextDecoder().decode(await req.arrayBuffer()) };
    calls.push(call);
    const key = `${req.method} ${url.origin}${url.pathname}`;
    const handler = routes[key];
    if (!handler) {
      unexpected.push(key);
      throw new Error(`unexpected request ${key}`);
    }
    return handler(call);
  });
  const to = (method: string, pathPrefix: string) => calls.filter((c) => c.method === method && `${c.url.origin}${c.url.pathname}`.startsWith(pathPrefix));
  return { calls, unexpected, spy, to };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export const form = (call: EdgeCall) => Object.fromEntries(new URLSearchParams(call.body));
