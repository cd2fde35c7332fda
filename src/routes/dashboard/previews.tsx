/**
 * GET /previews: every customer email and WhatsApp template the system sends; GET /previews/email/:template
 * renders one email with sample data and the brand from the current policy (`?format=text` for its plain text).
 */
import { Hono } from "hono";
import { WHATSAPP_TEMPLATES } from "../../canonical/whatsapp-templates";
import { loadPolicy } from "../../db/policies";
import { renderEmail } from "../../messages/email/render";
import { SAMPLE_DATA } from "../../messages/email/samples";
import { EMAIL_TEMPLATES, isEmailTemplate } from "../../messages/email/templates";
import type { DashboardEnv } from "./auth";
import { Layout, page } from "./layout";

export const previewPages = new Hono<DashboardEnv>();

/**
 * The email is shown as mail clients get it: its own inline styles and remote logo allowed, no
 * script of any kind (so even a value that escaped escaping could not run), never framed.
 */
const EMAIL_PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

previewPages.get("/previews", (c) =>
  page(
    c,
    200,
    <Layout title="Message previews" session={c.get("session")}>
      <h1>Message previews</h1>
      <section>
        <h2>Customer email</h2>
        <div class="card">
          <table>
            <tbody>
              {EMAIL_TEMPLATES.map((t) => (
                <tr>
                  <td>{t}</td>
                  <td>
                    <a href={`/previews/email/${t}`}>HTML</a> · <a href={`/previews/email/${t}?format=text`}>plain text</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h2>WhatsApp templates</h2>
        <p class="muted">
          What Meta must approve before these go out: <code>npm run templates:export</code> writes each one, per language, as the body of
          <code>POST /&lt;WABA_ID&gt;/message_templates</code>.
        </p>
        <div class="card">
          <table>
            <thead>
              <tr>
                <th>name</th>
                <th>category</th>
                <th>for</th>
                <th>English</th>
                <th>Hindi</th>
                <th>buttons</th>
              </tr>
            </thead>
            <tbody>
              {WHATSAPP_TEMPLATES.map((t) => (
                <tr>
                  <td>
                    <code>{t.name}</code>
                  </td>
                  <td>{t.category.toLowerCase()}</td>
                  <td>{t.purpose}</td>
                  <td>{t.body.en}</td>
                  <td lang="hi">{t.body.hi}</td>
                  <td>{t.buttons.map((b) => (b.type === "url" ? `link: ${b.text.en}` : `reply: ${b.text.en}`)).join(" · ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>,
  ),
);

previewPages.get("/previews/email/:template", async (c) => {
  const name = c.req.param("template");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "same-origin");
  if (!isEmailTemplate(name)) return c.text(`no email template "${name}"; known: ${EMAIL_TEMPLATES.join(", ")}`, 404);
  const { policy } = await loadPolicy(c.env.DB);
  const email = renderEmail(name, SAMPLE_DATA[name], policy.brand);
  c.header("X-Email-Subject", encodeURIComponent(email.subject));
  if (c.req.query("format") === "text") return c.text(`Subject: ${email.subject}\n\n${email.text}`);
  c.header("Content-Security-Policy", EMAIL_PREVIEW_CSP);
  c.header("X-Frame-Options", "DENY");
  return c.html(email.html);
});
