/** The dashboard's only CSS and JS, served from /assets/* so the CSP can forbid every inline script and style. */
import { Hono } from "hono";

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2430;background:#f5f6f8}
a{color:#1f5fbf}
main{padding:12px 16px;max-width:1400px;margin:0 auto}
.top{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:8px 16px;background:#1d2430;color:#fff}
.top a{color:#fff;text-decoration:none;margin-right:10px}
.top .brand{font-weight:700}
.top .go input{width:min(320px,60vw);padding:4px 6px;border-radius:4px;border:0}
.top form{margin:0}
.top .auto{font-size:12px;opacity:.85}
button{font:inherit;padding:5px 12px;border-radius:4px;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;cursor:pointer}
button.small{padding:2px 8px;font-size:12px}
button.link{background:none;border:0;color:#fff;text-decoration:underline;padding:0}
h1{font-size:20px;margin:8px 0 12px}
h2{font-size:16px;margin:20px 0 8px}
.muted{color:#667085}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.kpi{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:8px 10px}
.kpi .v{font-size:20px;font-weight:650}
.kpi .l{font-size:12px;color:#667085}
.kpi.warn .v{color:#b42318}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(560px,100%),1fr));gap:0 20px}
.card{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:8px 12px;overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{font-size:12px;color:#667085;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
ul.reasons{margin:0;padding-left:16px}
.tag{display:inline-block;font-size:11px;padding:1px 6px;border-radius:9px;background:#eef0f3;margin:1px 2px 1px 0}
.tag.bad{background:#fde7e6;color:#b42318}
.tag.ok{background:#e3f4e8;color:#17663a}
.tag.shadow{background:#f1ecfb;color:#5b3fa6}
.up{color:#b42318}.down{color:#17663a}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0}
.filters input,.filters select{padding:4px 6px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
dl.kv dt{color:#667085}
dl.kv dd{margin:0}
.login{max-width:360px;margin:12vh auto;background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:20px}
.login input[type=password]{width:100%;padding:8px;margin:4px 0 12px}
.error{color:#b42318;font-weight:600}
.errors{border:1px solid #f4b8b3;background:#fdf1f0;padding:8px 12px;border-radius:6px}
fieldset{border:1px solid #e1e4ea;border-radius:6px;margin:0 0 12px;background:#fff}
fieldset .row{display:grid;grid-template-columns:minmax(160px,260px) minmax(120px,1fr);gap:8px;align-items:center;margin:3px 0}
fieldset .row .field-error{grid-column:2;color:#b42318;font-size:12px}
fieldset input,fieldset select{padding:3px 5px;width:100%;max-width:360px}
.invalid{border:2px solid #b42318}
.chart text{font-size:10px;fill:#667085}
.hidden{display:none}
.need{margin:6px 0;border-left:4px solid #b42318}
.need-buttons{display:flex;gap:8px;flex-wrap:wrap;align-items:center;margin-top:6px}
.need-buttons form{margin:0}
.need-buttons input{padding:3px 5px}
details>summary{cursor:pointer;color:#1f5fbf;margin:4px 0}
pre{white-space:pre-wrap;word-break:break-word;font-size:12px}
`;

const JS = `"use strict";
(function () {
  var store = window.sessionStorage;
  function rows(id) { var t = document.getElementById(id); return t ? t.querySelectorAll("tbody tr") : []; }
  // Text filters (input[data-filter=tableId]) and type filters (select[data-type-filter=tableId] vs tr[data-type]).
  function apply(id) {
    var text = document.querySelector('input[data-filter="' + id + '"]');
    var type = document.querySelector('select[data-type-filter="' + id + '"]');
    var q = text ? text.value.trim().toLowerCase() : "";
    var t = type ? type.value : "";
    rows(id).forEach(function (tr) {
      var show = (!q || tr.textContent.toLowerCase().indexOf(q) >= 0) && (!t || tr.getAttribute("data-type") === t);
      tr.classList.toggle("hidden", !show);
    });
  }
  // Everything inside <main> that needs a handler; run again after a live update swaps <main> in.
  function bind(root) {
    root.querySelectorAll("input[data-filter],select[data-type-filter]").forEach(function (el) {
      var id = el.getAttribute("data-filter") || el.getAttribute("data-type-filter");
      var key = "sy:" + location.pathname + ":" + id + ":" + el.tagName;
      if (store && store.getItem(key) !== null) el.value = store.getItem(key);
      el.addEventListener("input", function () { if (store) store.setItem(key, el.value); apply(id); });
      apply(id);
    });
    // Retry and replay buttons ask first: they send something to a customer or a system again.
    root.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) { if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault(); });
    });
  }
  bind(document);
  // Auto-refresh: reload every N seconds unless paused, hidden, or someone is typing.
  var every = Number(document.body.getAttribute("data-refresh") || 0);
  var box = document.getElementById("auto-refresh");
  if (box && store) { box.checked = store.getItem("sy:auto") !== "off"; box.addEventListener("change", function () { store.setItem("sy:auto", box.checked ? "on" : "off"); }); }
  function typing() { return document.activeElement && /INPUT|SELECT|TEXTAREA/.test(document.activeElement.tagName) && document.activeElement !== box; }
  if (every > 0) setInterval(function () {
    if (document.visibilityState === "visible" && (!box || box.checked) && !typing()) location.reload();
  }, every * 1000);
  // Live overview: ask the changes URL with the page's ETag; on a new one, fetch the page and swap
  // <main> in (open sections stay open). A failed poll (offline, a restart) backs off and retries;
  // the first answer after it carries the new ETag, so nothing missed while away stays missed.
  var live = document.body.getAttribute("data-live");
  if (!live) return;
  var etag = document.body.getAttribute("data-etag") || "";
  var base = Number(document.body.getAttribute("data-live-seconds") || 3) * 1000;
  var delay = base;
  var status = document.getElementById("live-status");
  function say(text, bad) { if (status) { status.textContent = text; status.classList.toggle("up", !!bad); } }
  function swap() {
    return fetch(location.href, { credentials: "same-origin", cache: "no-store" }).then(function (res) {
      if (!res.ok) throw new Error("page " + res.status);
      return res.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var next = doc.querySelector("main");
      var main = document.querySelector("main");
      if (!next || !main) return;
      var open = {};
      main.querySelectorAll("details[id]").forEach(function (d) { open[d.id] = d.open; });
      main.innerHTML = next.innerHTML;
      main.querySelectorAll("details[id]").forEach(function (d) { if (open[d.id] !== undefined) d.open = open[d.id]; });
      etag = doc.body.getAttribute("data-etag") || etag;
      bind(main);
    });
  }
  function poll() {
    if (document.visibilityState !== "visible" || typing()) return setTimeout(poll, base);
    fetch(live, { credentials: "same-origin", cache: "no-store", headers: { "If-None-Match": etag } }).then(function (res) {
      if (res.status === 304) return null;
      if (res.status === 200) return res.json().then(function (b) { if (b.etag !== etag) return swap(); });
      throw new Error("changes " + res.status);
    }).then(function () {
      delay = base;
      say("live", false);
      setTimeout(poll, delay);
    }, function () {
      delay = Math.min(delay * 2, 30000);
      say("reconnecting…", true);
      setTimeout(poll, delay);
    });
  }
  setTimeout(poll, base);
})();
`;

/** FNV-1a over both files: changes when they change, so `?v=` busts caches after a deploy. */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export const ASSET_VERSION = fnv1a(CSS + JS);

export const assets = new Hono<{ Bindings: Env }>();

const cache = "public, max-age=86400";
assets.get("/assets/app.css", (c) => c.body(CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": cache }));
assets.get("/assets/app.js", (c) => c.body(JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": cache }));
