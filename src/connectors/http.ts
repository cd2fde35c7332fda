/** Shared outbound executor: one fetch, and the vendor's answer classified into an action outcome. */

export interface OutboundRequest {
  method: "GET" | "POST" | "PUT" | "PATCH";
  url: string;
  headers: Record<string, string>;
  /** JSON body (none for GET); connectors never send anything that is not JSON. */
  body: unknown;
}

/** What one attempt came to. `retry` is transient; `stale` is a compare-and-set the vendor refused; `blocked` waits for a credential. */
export type Outcome =
  | { kind: "sent"; httpStatus: number | null; externalId: string | null; response: unknown }
  | { kind: "dry_run" }
  | { kind: "retry"; httpStatus: number | null; reason: string; waitSeconds: number | null; throttled: boolean; response?: unknown }
  | { kind: "failed"; httpStatus: number | null; reason: string; response?: unknown }
  | { kind: "stale"; httpStatus: number; reason: string; response: unknown }
  /** The connector's credential is refused or disconnected: the action waits, its attempts untouched. */
  | { kind: "blocked"; reason: string };

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** Reads a 2xx body into an outcome: vendors such as Shopify report errors inside a 200. */
export type Interpret = (status: number, body: unknown) => Outcome;

const SECRET_HEADERS = /^(authorization|x-shopify-access-token|api-key|x-api-key|authkey)$/i;

/** The request as stored and shown: credentials replaced, everything else exactly as sent. */
export function redactRequest(req: OutboundRequest): OutboundRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = SECRET_HEADERS.test(k) ? "[redacted]" : v;
  return { ...req, headers };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${btoa(`${user}:${password}`)}`;
}

export interface ExecuteOptions {
  interpret?: Interpret;
  /** Vendors that report rate limits as a 4xx other than 429 (WhatsApp's 400 with code 130429). */
  isRateLimited?: (body: unknown) => boolean;
  now?: number;
}

export async function executeRequest(fetchFn: FetchFn, req: OutboundRequest, opts: ExecuteOptions = {}): Promise<Outcome> {
  const { interpret = sentWithoutId, isRateLimited, now = Date.now() } = opts;
  let res: Response;
  try {
    res = await fetchFn(req.url, { method: req.method, headers: req.headers, body: req.method === "GET" ? undefined : JSON.stringify(req.body) });
  } catch (err) {
    return { kind: "retry", httpStatus: null, reason: `network: ${err instanceof Error ? err.message : String(err)}`, waitSeconds: null, throttled: false };
  }
  const text = await res.text();
  const body = parseJson(text);
  if (res.status === 429 || (res.status >= 400 && res.status < 500 && isRateLimited?.(body))) {
    return { kind: "retry", httpStatus: res.status, reason: `rate limited: ${vendorMessage(body, text)}`, waitSeconds: retryAfterSeconds(res.headers.get("retry-after"), now), throttled: true, response: body };
  }
  if (res.status >= 500) return { kind: "retry", httpStatus: res.status, reason: `HTTP ${res.status}: ${vendorMessage(body, text)}`, waitSeconds: null, throttled: false, response: body };
  if (res.status >= 400) return { kind: "failed", httpStatus: res.status, reason: `HTTP ${res.status}: ${vendorMessage(body, text)}`, response: body };
  return interpret(res.status, body);
}

export function sentWithoutId(status: number, body: unknown): Outcome {
  return { kind: "sent", httpStatus: status, externalId: null, response: body };
}

/** `Retry-After` is either delta-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : null;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The vendor's own words for an error, from the shapes the supported APIs use. */
export function vendorMessage(body: unknown, fallback = ""): string {
  const o = asRecord(body);
  const error = asRecord(o?.error);
  const firstError = Array.isArray(o?.errors) ? asRecord(o.errors[0]) : null;
  const candidates = [
    error?.error_user_msg, error?.message, // WhatsApp (Graph API)
    firstError?.detail, firstError?.message, // Klaviyo (JSON:API), Shopify GraphQL
    o?.message, o?.description, o?.error, o?.details, // Zoho, Freshdesk, Zendesk, Gorgias, Shiprocket
    typeof o?.errors === "string" ? o.errors : undefined,
  ];
  for (const c of candidates) if (typeof c === "string" && c) return c;
  if (o?.errors && typeof o.errors === "object") return JSON.stringify(o.errors).slice(0, 500);
  return (typeof body === "string" ? body : fallback).slice(0, 500) || "no message";
}

export function asRecord(v: unknown): Record<string, unknown> | null {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
