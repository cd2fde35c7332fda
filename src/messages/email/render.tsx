/**
 * Customer email, rendered server-side with Hono's JSX: one table layout that mail clients agree on,
 * inline styles only, every value escaped by JSX; and the same content as plain text.
 */
import type { FC } from "hono/jsx";
import { safeColour, safeUrl, type Brand } from "./brand";
import { TEMPLATES, type EmailContent, type EmailData, type EmailTemplate } from "./templates";

export interface RenderedEmail {
  template: EmailTemplate;
  subject: string;
  html: string;
  text: string;
}

const FONT = "-apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";

const Email: FC<{ content: EmailContent; brand: Brand }> = ({ content, brand }) => {
  const colour = safeColour(brand.colour);
  const logo = safeUrl(brand.logoUrl);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{content.subject}</title>
      </head>
      <body style={`margin:0;padding:0;background:#f4f4f1;font-family:${FONT};color:#222;`}>
        <div style="display:none;max-height:0;overflow:hidden;">{content.preheader}</div>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f1;">
          <tr>
            <td align="center" style="padding:24px 12px;">
              <table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border-radius:6px;">
                <tr>
                  <td style={`background:${colour};padding:16px 24px;border-radius:6px 6px 0 0;`}>
                    {logo ? (
                      <img src={logo} alt={brand.name} height="32" style="display:block;height:32px;border:0;" />
                    ) : (
                      <span style="color:#ffffff;font-size:20px;font-weight:bold;">{brand.name}</span>
                    )}
                  </td>
                </tr>
                <tr>
                  <td style="padding:24px;font-size:16px;line-height:1.5;">
                    <p style="margin:0 0 16px;">{content.greeting}</p>
                    {content.paragraphs.map((p) => (
                      <p style="margin:0 0 16px;">{p}</p>
                    ))}
                    {content.highlight ? (
                      <p style="margin:0 0 16px;padding:12px 16px;background:#f4f4f1;border-radius:4px;">
                        <span style="color:#666;font-size:13px;">{content.highlight.label}</span>
                        <br />
                        <strong style="font-size:20px;">{content.highlight.value}</strong>
                      </p>
                    ) : null}
                    {content.items.length ? (
                      <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-top:1px solid #e5e5e0;">
                        {content.items.map((i) => (
                          <tr>
                            <td style="padding:8px 0;border-bottom:1px solid #e5e5e0;">{i.title}</td>
                            <td align="right" style="padding:8px 0;border-bottom:1px solid #e5e5e0;color:#666;">× {String(i.quantity)}</td>
                          </tr>
                        ))}
                      </table>
                    ) : null}
                    {content.cta ? (
                      <p style="margin:24px 0;">
                        <a href={content.cta.url} style={`background:${colour};color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:4px;display:inline-block;font-weight:bold;`}>
                          {content.cta.label}
                        </a>
                      </p>
                    ) : null}
                    <p style="margin:0;">— {brand.name}</p>
                  </td>
                </tr>
                <tr>
                  <td style="padding:16px 24px;font-size:12px;line-height:1.5;color:#777;border-top:1px solid #e5e5e0;">
                    {supportLine(brand) ? <p style="margin:0 0 8px;">{supportLine(brand)}</p> : null}
                    {content.marketing ? <p style="margin:0 0 8px;">{marketingLine(brand)}</p> : null}
                    {brand.postalAddress ? <p style="margin:0;">{brand.name} · {brand.postalAddress}</p> : null}
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
};

function supportLine(brand: Brand): string | null {
  const ways = [brand.supportEmail, brand.supportPhone].filter((w): w is string => Boolean(w));
  return ways.length ? `Questions? Reply to this email or reach us at ${ways.join(" or ")}.` : null;
}

function marketingLine(brand: Brand): string {
  return `You are receiving this because you shop with ${brand.name} and agreed to hear from us. To stop these emails, reply with the word unsubscribe.`;
}

function plainText(c: EmailContent, brand: Brand): string {
  const lines = [c.greeting, "", ...c.paragraphs.flatMap((p) => [p, ""])];
  if (c.highlight) lines.push(`${c.highlight.label}: ${c.highlight.value}`, "");
  if (c.items.length) lines.push(...c.items.map((i) => `- ${i.title} × ${i.quantity}`), "");
  if (c.cta) lines.push(`${c.cta.label}: ${c.cta.url}`, "");
  lines.push(`— ${brand.name}`, "", "--");
  const support = supportLine(brand);
  if (support) lines.push(support);
  if (c.marketing) lines.push(marketingLine(brand));
  if (brand.postalAddress) lines.push(`${brand.name} · ${brand.postalAddress}`);
  return lines.join("\n");
}

/** Subject, HTML and plain text of one customer email. Pure: the same input renders the same bytes. */
export function renderEmail(template: EmailTemplate, data: EmailData, brand: Brand): RenderedEmail {
  const content = TEMPLATES[template](data, brand);
  const html = `<!doctype html>${(<Email content={content} brand={brand} />).toString()}`;
  return { template, subject: content.subject, html, text: plainText(content, brand) };
}
