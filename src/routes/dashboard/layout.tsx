/** Page shell: doctype, head with the self-hosted CSS/JS, nav, and the one way pages are sent. */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Child, FC } from "hono/jsx";
import { ASSET_VERSION } from "./assets";
import type { DashboardSession } from "./auth";

interface LayoutProps {
  title: string;
  session: DashboardSession | null;
  /** Seconds between automatic reloads; absent = never. */
  refreshSeconds?: number;
  /** Live updates (the overview): poll `url` with If-None-Match every `seconds`, swap <main> in when it changes. */
  live?: { url: string; etag: string; seconds: number };
  children?: Child;
}

export const Layout: FC<LayoutProps> = ({ title, session, refreshSeconds, live, children }) => (
  <html lang="en-IN">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title} · Switchyard</title>
      <link rel="stylesheet" href={`/assets/app.css?v=${ASSET_VERSION}`} />
      <script src={`/assets/app.js?v=${ASSET_VERSION}`} defer></script>
    </head>
    <body
      data-refresh={refreshSeconds ? String(refreshSeconds) : undefined}
      data-live={live?.url}
      data-etag={live?.etag}
      data-live-seconds={live ? String(live.seconds) : undefined}
    >
      {session ? (
        <header class="top">
          <a class="brand" href="/">Switchyard</a>
          <nav>
            <a href="/">Overview</a>
            <a href="/policies">Policies</a>
            <a href="/previews">Messages</a>
          </nav>
          <form class="go" method="get" action="/orders">
            <input name="q" placeholder="Order id, #name, AWB, email, phone" aria-label="Find an order" />
          </form>
          {live ? (
            <span class="auto" id="live-status" role="status">
              live
            </span>
          ) : null}
          {refreshSeconds ? (
            <label class="auto">
              <input type="checkbox" id="auto-refresh" checked /> auto-refresh
            </label>
          ) : null}
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value={session.csrf} />
            <button type="submit" class="link">Log out</button>
          </form>
        </header>
      ) : null}
      <main>{children}</main>
    </body>
  </html>
);

/** Sends a page. `html` escapes nothing here but the doctype constant; every value inside went through JSX escaping. */
export function page(c: Context, status: 200 | 400 | 401 | 404, element: Child) {
  return c.html(html`<!doctype html>${element}`, status);
}
