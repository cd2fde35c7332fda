/** The login page: one field, the dashboard token. */
import type { Context } from "hono";
import { Layout, page } from "./layout";

export function renderLogin(c: Context, props: { next: string; error: string | null }, status: 200 | 401) {
  return page(
    c,
    status,
    <Layout title="Log in" session={null}>
      <section class="login">
        <h1>Switchyard</h1>
        <p class="muted">The operations dashboard. Log in with the dashboard token.</p>
        <form method="post" action="/login">
          <input type="hidden" name="next" value={props.next} />
          <label for="token">Dashboard token</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
          {props.error ? (
            <p class="error" role="alert">
              {props.error}
            </p>
          ) : null}
          <button type="submit">Log in</button>
        </form>
      </section>
    </Layout>,
  );
}
