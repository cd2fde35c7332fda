/**
 * Signs webhooks the way each vendor does and sends them to a running worker: paced to a rate,
 * a few in flight, a progress bar on stderr and a tally of what the worker answered.
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The development secrets: .dev.vars when npm start has created it, else the example it is copied from. */
export function devVars() {
  const file = existsSync(path.join(ROOT, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example";
  return Object.fromEntries(
    readFileSync(path.join(ROOT, file), "utf8")
      .split("\n")
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1).trim()]),
  );
}

const hmac = (secret, data) => createHmac("sha256", secret).update(data);

/**
 * A webhook as its vendor would deliver it. `id` is the vendor's delivery id where it sends one.
 * Returns { path, headers, body }; the body string is what gets signed and sent, byte for byte.
 */
export function signed(vars, source, payload, { topic, id, at, sentAt = Date.now() } = {}) {
  const body = JSON.stringify(payload);
  const json = { "content-type": "application/json" };
  switch (source) {
    case "shopify":
      return {
        path: "/webhooks/shopify",
        body,
        headers: {
          ...json,
          "x-shopify-topic": topic,
          "x-shopify-webhook-id": id,
          "x-shopify-event-id": id,
          "x-shopify-triggered-at": new Date(at).toISOString(),
          "x-shopify-shop-domain": "vanaspati-naturals.myshopify.com",
          "x-shopify-api-version": "2026-07",
          "x-shopify-hmac-sha256": hmac(vars.SHOPIFY_WEBHOOK_SECRET, body).digest("base64"),
        },
      };
    case "shiprocket":
      return { path: "/webhooks/shiprocket", body, headers: { ...json, "x-api-key": vars.SHIPROCKET_WEBHOOK_TOKEN } };
    case "delhivery":
      return { path: "/webhooks/delhivery", body, headers: { ...json, authorization: `Bearer ${vars.DELHIVERY_WEBHOOK_TOKEN}` } };
    case "zoho-inventory":
      return { path: "/webhooks/zoho-inventory", body, headers: { ...json, authorization: `Bearer ${vars.ZOHO_WEBHOOK_TOKEN}` } };
    case "unicommerce":
      return { path: `/webhooks/unicommerce?token=${encodeURIComponent(vars.UNICOMMERCE_WEBHOOK_TOKEN)}`, body, headers: json };
    case "gorgias":
      return { path: "/webhooks/gorgias", body, headers: { ...json, authorization: `Bearer ${vars.GORGIAS_WEBHOOK_TOKEN}` } };
    case "freshdesk":
      return { path: "/webhooks/freshdesk", body, headers: { ...json, authorization: `Bearer ${vars.FRESHDESK_WEBHOOK_TOKEN}` } };
    case "zendesk": {
      // Zendesk signs timestamp + body; the timestamp is the delivery's, so it is the one input that is not the event's.
      const timestamp = new Date(sentAt).toISOString();
      return {
        path: "/webhooks/zendesk",
        body,
        headers: { ...json, "x-zendesk-webhook-id": id ?? "", "x-zendesk-webhook-signature-timestamp": timestamp, "x-zendesk-webhook-signature": hmac(vars.ZENDESK_WEBHOOK_SECRET, timestamp + body).digest("base64") },
      };
    }
    case "whatsapp":
      return { path: "/webhooks/whatsapp", body, headers: { ...json, "x-hub-signature-256": `sha256=${hmac(vars.WHATSAPP_APP_SECRET, body).digest("hex")}` } };
    default:
      throw new Error(`no signer for ${source}`);
  }
}

/** One keep-alive POST/GET over loopback; resolves with status, text and latency (ms). */
export function request(agent, base, { method = "POST", path: p, headers = {}, body = null }) {
  const url = new URL(p, base);
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = http.request(url, { method, agent, headers: body === null ? headers : { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8"), ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on("error", (err) => resolve({ status: 0, text: err.message, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    if (body !== null) req.write(body);
    req.end();
  });
}

/** A one-line progress bar on stderr (only when stderr is a terminal, else a line every 10%). */
export function progress(label, total) {
  let lastPct = -1;
  const tty = process.stderr.isTTY;
  return {
    update(done, extra = "") {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        process.stderr.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct}% ${done}/${total} ${extra}   `);
      } else if (pct >= lastPct + 10 || done === total) {
        lastPct = pct - (pct % 10);
        process.stderr.write(`${label} ${pct}% ${done}/${total} ${extra}\n`);
      }
    },
    done() {
      if (tty) process.stderr.write("\n");
    },
  };
}

/**
 * Sends deliveries in the given order at `rate` per second with at most `inFlight` outstanding.
 * Each delivery is { source, path, headers, body }. Returns the tally.
 */
export async function sendAll(base, deliveries, { rate = 50, inFlight = 4, label = "sending" } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const bar = progress(label, deliveries.length);
  const tally = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, serverErrors: 0, reasons: new Map(), bySource: new Map() };
  const interval = 1000 / rate;
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= deliveries.length) return;
      // Pacing: delivery i starts no earlier than i / rate seconds after the first.
      const wait = started + i * interval - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const d = deliveries[i];
      const res = await request(agent, base, d);
      tally.sent += 1;
      const src = tally.bySource.get(d.source) ?? { sent: 0, accepted: 0, duplicates: 0, rejected: 0 };
      src.sent += 1;
      if (res.status === 200) {
        const duplicate = /"duplicate":\s*true/.test(res.text);
        if (duplicate) (tally.duplicates += 1), (src.duplicates += 1);
        else (tally.accepted += 1), (src.accepted += 1);
      } else {
        tally.rejected += 1;
        src.rejected += 1;
        if (res.status === 0 || res.status >= 500) tally.serverErrors += 1;
        let reason = res.text.slice(0, 120);
        try {
          reason = JSON.parse(res.text).error ?? reason;
        } catch {}
        const key = `${d.source} ${res.status}: ${reason}`;
        tally.reasons.set(key, (tally.reasons.get(key) ?? 0) + 1);
      }
      tally.bySource.set(d.source, src);
      if (tally.sent % 10 === 0 || tally.sent === deliveries.length) bar.update(tally.sent, `${((tally.sent * 1000) / Math.max(1, Date.now() - started)).toFixed(0)}/s`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  bar.done();
  agent.destroy();
  tally.seconds = (Date.now() - started) / 1000;
  return tally;
}

export function printTally(tally) {
  console.log(`sent ${tally.sent} in ${tally.seconds.toFixed(1)} s · accepted ${tally.accepted} · duplicates ${tally.duplicates} · rejected ${tally.rejected}${tally.serverErrors ? ` (${tally.serverErrors} server errors)` : ""}`);
  for (const [source, s] of [...tally.bySource].sort()) console.log(`  ${source.padEnd(15)} sent ${String(s.sent).padStart(5)}  accepted ${String(s.accepted).padStart(5)}  duplicates ${String(s.duplicates).padStart(4)}  rejected ${String(s.rejected).padStart(4)}`);
  if (tally.reasons.size) {
    console.log("rejections:");
    for (const [reason, n] of [...tally.reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(5)} × ${reason}`);
  }
}

/** Fires a cron through wrangler dev's --test-scheduled endpoint. */
export async function fireCron(base, cron) {
  const res = await fetch(new URL(`/__scheduled?cron=${encodeURIComponent(cron)}`, base));
  const text = await res.text();
  if (!res.ok) throw new Error(`cron ${cron} answered ${res.status}: ${text.slice(0, 200)}`);
  return text;
}

/** The worker's cron schedule, from the one file the worker reads too (wrangler.toml is checked against it by test/unit/layers.test.ts). */
export const { crons: CRONS, queues: QUEUES } = JSON.parse(readFileSync(new URL("../../src/bindings.json", import.meta.url), "utf8"));

export async function api(base, vars, p, init = {}) {
  const res = await fetch(new URL(p, base), { ...init, headers: { authorization: `Bearer ${vars.API_TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) } });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json, text };
}
