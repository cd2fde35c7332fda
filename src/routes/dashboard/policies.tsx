/** GET|POST /policies: the current policy as a form; a valid save is a new version, an invalid one changes nothing. */
import { Hono } from "hono";
import type { FC } from "hono/jsx";
import { loadPolicy, savePolicy } from "../../db/policies";
import { DECISION_MODES } from "../../decisions/policy";
import { DECISION_TYPES } from "../../decisions/types";
import type { DashboardEnv } from "./auth";
import { formatIst } from "./format";
import { Layout, page } from "./layout";
import { fieldsOf, patchFromForm, type PolicyField } from "./policy-form";

export const policyPages = new Hono<DashboardEnv>();

const GENERAL = ["currency", "quietHours", "customerTiers", "demandCalendar", "approvals", "digest", "brand", "contact", "fallback"] as const;

/** Sections in reading order: general settings, then one per decision type. */
function sections(policy: Record<string, unknown>): { key: string; fields: PolicyField[] }[] {
  const general = Object.fromEntries(GENERAL.map((k) => [k, policy[k]]));
  return [{ key: "general", fields: fieldsOf(general, "") }, ...DECISION_TYPES.map((t) => ({ key: t, fields: fieldsOf(policy[t], t) }))];
}

const Field: FC<{ field: PolicyField; error?: string }> = ({ field, error }) => {
  const id = `f-${field.path.replace(/[^a-zA-Z0-9]/g, "-")}`;
  const cls = error ? "invalid" : undefined;
  const describedBy = error ? `${id}-error` : undefined;
  return (
    <div class="row">
      <label for={id}>{field.label}</label>
      {field.kind === "mode" ? (
        <select id={id} name={field.path} class={cls} aria-describedby={describedBy}>
          {DECISION_MODES.map((m) => (
            <option value={m} selected={field.value === m}>
              {m}
            </option>
          ))}
        </select>
      ) : field.kind === "boolean" ? (
        <select id={id} name={field.path} class={cls} aria-describedby={describedBy}>
          <option value="true" selected={field.value === "true"}>
            yes
          </option>
          <option value="false" selected={field.value === "false"}>
            no
          </option>
        </select>
      ) : (
        // type=text for numbers too: the server, not the browser, says what is wrong, in the policy's own terms.
        <input id={id} name={field.path} value={field.value} class={cls} inputmode={field.kind === "number" ? "decimal" : undefined} aria-describedby={describedBy} />
      )}
      {error ? (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
};

interface PolicyPageProps {
  version: number;
  createdAt: number | null;
  fields: { key: string; fields: PolicyField[] }[];
  errors: Map<string, string>;
  csrf: string;
  saved: boolean;
}

const PolicyPage: FC<PolicyPageProps> = ({ version, createdAt, fields, errors, csrf, saved }) => {
  const known = new Set(fields.flatMap((s) => s.fields.map((f) => f.path)));
  return (
    <>
      <h1>
        Policy <span class="muted">· {version === 0 ? "defaults (nothing saved yet)" : `version ${version}, saved ${formatIst(createdAt)} IST`}</span>
      </h1>
      {saved ? <p class="tag ok">Saved as version {version}. New decisions use it from now on.</p> : null}
      {errors.size ? (
        <div class="errors" role="alert">
          <p class="error">Not saved: the policy has {errors.size} invalid value{errors.size === 1 ? "" : "s"}. Version {version} is still in force.</p>
          <ul>
            {[...errors].map(([path, message]) => (
              <li>
                {known.has(path) ? <a href={`#f-${path.replace(/[^a-zA-Z0-9]/g, "-")}`}>{path}</a> : path || "policy"}: {message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p class="muted">Thresholds and live/shadow per decision type. Post-delivery steps and per-tier offers with structure are edited through PUT /api/policies.</p>
      <form method="post" action="/policies" id="policy-form">
        <input type="hidden" name="_csrf" value={csrf} />
        {fields.map((s) => (
          <fieldset id={`section-${s.key}`}>
            <legend>{s.key}</legend>
            {s.fields.map((f) => (
              <Field field={f} error={errors.get(f.path)} />
            ))}
          </fieldset>
        ))}
        <button type="submit">Save as a new version</button>
      </form>
    </>
  );
};

policyPages.get("/policies", async (c) => {
  const stored = await loadPolicy(c.env.DB);
  return page(
    c,
    200,
    <Layout title="Policies" session={c.get("session")}>
      <PolicyPage
        version={stored.version}
        createdAt={stored.createdAt}
        fields={sections(stored.policy)}
        errors={new Map()}
        csrf={c.get("session").csrf}
        saved={c.req.query("saved") !== undefined}
      />
    </Layout>,
  );
});

policyPages.post("/policies", async (c) => {
  const current = await loadPolicy(c.env.DB);
  const fields = sections(current.policy);
  const form = await c.req.parseBody();
  const patch = patchFromForm(fields.flatMap((s) => s.fields), form);
  const result = await savePolicy(c.env.DB, patch, Date.now());
  if (result.ok) return c.redirect("/policies?saved", 303);
  // Show what was typed, not the stored values, next to each error.
  const typed = fields.map((s) => ({ key: s.key, fields: s.fields.map((f) => (typeof form[f.path] === "string" ? { ...f, value: form[f.path] as string } : f)) }));
  const errors = new Map<string, string>();
  for (const issue of result.issues) if (!errors.has(issue.path)) errors.set(issue.path, issue.message);
  return page(
    c,
    400,
    <Layout title="Policies" session={c.get("session")}>
      <PolicyPage version={current.version} createdAt={current.createdAt} fields={typed} errors={errors} csrf={c.get("session").csrf} saved={false} />
    </Layout>,
  );
});
