/** Deterministic ticket classifier: English and Hinglish keyword rules, with the evidence that decided it. */
import type { TicketCategory } from "./model";

/** `subject+body`: the two halves of a phrase were split between subject and body. */
export type TicketField = "subject" | "body" | "subject+body" | "tags";

/** One rule that fired: which category, which phrase it matched, and where. */
export interface KeywordEvidence {
  category: Exclude<TicketCategory, "other">;
  /** The text as the customer wrote it (lower-cased), so a reviewer can see why. */
  phrase: string;
  field: TicketField;
}

export interface TicketClassification {
  category: TicketCategory;
  /** Every rule that fired, in precedence order; the first one's category won. Empty for `other`. */
  evidence: KeywordEvidence[];
}

type Rule = (text: string) => string | null;

// Negations in English and Hinglish. "nahi mila", "mila nahi", "not received" all mean the
// same thing, so both word orders are matched.
const NOT = String.raw`(?:not|never|didn'?t|did not|haven'?t|have not|hasn'?t|has not|not yet|yet to)`;
const NAHI = String.raw`(?:nahi|nahin|nhi|nai|nahi hai)`;
const RECEIVE_EN = String.raw`(?:been\s+)?(?:received|receive|got|get|gotten)`;
const RECEIVE_HI = String.raw`(?:mila|mili|mile|aaya|aayi|aya|ayi|pahuncha|pahunchi|receive|received)`;

/** "It says delivered" in its many forms; plain "not delivered" is no such claim. */
const DELIVERED_CLAIM = new RegExp(
  String.raw`\b(?:shows?|showing|shown|marked|says|saying|status(?:\s+is)?|updated|tracking)\s+(?:as\s+|it\s+)?delivered\b` +
    String.raw`|\b(?:was|is|has been|got|it'?s)\s+delivered\b(?!\s+(?:yet|${NAHI}))` +
    String.raw`|\bdelivered\s+(?:dikha|dikh|show|bata|but|lekin|par|pr|status)\b`,
);
const NOT_RECEIVED = new RegExp(
  String.raw`\b${NOT}\s+${RECEIVE_EN}\b|\b${RECEIVE_HI}\s+(?:hi\s+)?${NAHI}\b|\b${NAHI}\s+${RECEIVE_HI}\b`,
);

function regex(re: RegExp): Rule {
  return (text) => re.exec(text)?.[0] ?? null;
}

/** Delivered-not-received needs both halves: a delivery claim and a denial of receipt. */
const deliveredNotReceived: Rule = (text) => {
  const claim = DELIVERED_CLAIM.exec(text);
  const denial = NOT_RECEIVED.exec(text);
  return claim && denial ? `${claim[0]} … ${denial[0]}` : null;
};

// "nothing broken", "not damaged", "no leakage": a customer reassuring us is not a complaint.
const DAMAGE_WORDS = String.raw`(?:damaged?|broken|broke|leak(?:ing|ed|age|s)?|cracked|crack|torn|spilled|spilt|smashed|shattered|dented|defective|tut(?:a|i)|toot(?:a|i)|tut gaya|toot gaya|tut gayi|toot gayi|phat(?:a|i) hua|wrong (?:item|product|size|colou?r))`;
const DAMAGED = new RegExp(String.raw`\b${DAMAGE_WORDS}\b|टूटा|टूटी`, "g");
const DAMAGE_NEGATED = /\b(?:not|no|nothing|none|without|never)\s+(?:\w+\s+)?$/;
const damaged: Rule = (text) => {
  for (const m of text.matchAll(DAMAGED)) {
    if (!DAMAGE_NEGATED.test(text.slice(Math.max(0, m.index - 20), m.index))) return m[0];
  }
  return null;
};

// "return to origin" (RTO) is the carrier sending the parcel back: a delivery problem, not a return request.
const RETURN = /\b(?:return(?:s|ed)?|refund(?:s|ed)?|exchange|replace(?:ment)?|money back|paise? wapas|paisa wapas|paise? vapas|(?:wapas|vapas) (?:karna|karo|lena|le lo|chahiye))\b|वापस|रिफंड/;
const returnRefund: Rule = (text) => regex(RETURN)(text.replace(/\breturn(?:ed)?\s+to\s+(?:origin|sender)\b|\brto\b/g, " "));

// "change my email address" is an account question, not a delivery address change.
const ADDRESS = /\b(?:change|changing|update|updating|edit|modify|correct|badal\w*|badl\w*)\b[^.!?\n]{0,25}?\baddress\b|\baddress\b[^.!?\n]{0,20}?\b(?:change|update|badal\w*|badl\w*|galat|wrong|edit)\b|\bwrong address\b|\bnew address\b|\bdifferent address\b/;
const addressChange: Rule = (text) => regex(ADDRESS)(text.replace(/\b(?:e-?mail|ip|web|mail)\s+address\b/g, " "));

const WISMO = regex(
  new RegExp(
    [
      String.raw`\bwhere(?:'s| is)\s+(?:my|the)\s+(?:order|parcel|package|shipment|product|delivery|item)`,
      String.raw`\border\s+status\b|\bstatus of (?:my|the)\s+order\b`,
      String.raw`\btrack(?:ing)?\b`,
      String.raw`\b(?:not|still not)\s+(?:yet\s+)?(?:been\s+)?(?:delivered|arrived|shipped|dispatched)\b|\bnot delivered yet\b|\bundelivered\b`,
      String.raw`\b${NOT}\s+${RECEIVE_EN}\b`,
      String.raw`\b(?:hasn'?t|has not|haven'?t|have not|didn'?t|did not)\s+(?:arrived|come|reached)\b`,
      String.raw`\bwhen will (?:i|it|my|the|you)\b[^.!?\n]{0,30}?\b(?:arrive|deliver\w*|get|receive|reach|ship\w*|dispatch\w*|come)\b`,
      String.raw`\b(?:delay(?:ed)?|late|eta|expected delivery|kab\s+(?:tak\s+)?(?:aayega|aaega|ayega|aayegi|aaegi|ayegi|milega|milegi|deliver|pahunchega|pahunchegi|aa jayega))\b`,
      String.raw`\b(?:abhi tak|ab tak)\b[^.!?\n]{0,30}?\b${NAHI}\b`,
      String.raw`\b${RECEIVE_HI}\s+${NAHI}\b|\b${NAHI}\s+${RECEIVE_HI}\b`,
      String.raw`\bdeliver(?:ed|y)?\s+${NAHI}\b`,
      "कब आएगा|कब मिलेगा|कहाँ है",
    ].join("|"),
  ),
);

const COD = regex(/\b(?:cod|c\.o\.d|cash on delivery|pay on delivery|cash pe|cash par|cash payment)\b/);

/** Precedence: the most specific, most urgent reading first; delivered-not-received before WISMO. */
const RULES: readonly [KeywordEvidence["category"], Rule][] = [
  ["delivered_not_received", deliveredNotReceived],
  ["damaged", damaged],
  ["return_refund", returnRefund],
  ["address_change", addressChange],
  ["wismo", WISMO],
  // Last: "my COD order has not arrived" is a WISMO ticket that happens to mention COD.
  ["cod", COD],
];

function normalise(text: string): string {
  return text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, " ").trim();
}

/** Classifies a ticket and says which phrases decided it. Pure and deterministic. */
export function classifyTicketExplained(subject: string, body: string, tags: readonly string[]): TicketClassification {
  const subjectText = normalise(subject);
  const bodyText = normalise(body);
  const fields: [TicketField, string][] = [
    ["subject", subjectText],
    ["body", bodyText],
    // Tags are labels such as "where-is-my-order" or "cod": read them as words.
    ["tags", normalise(tags.map((t) => t.replace(/[-_]+/g, " ")).join(" . "))],
  ];
  const evidence: KeywordEvidence[] = [];
  for (const [category, rule] of RULES) {
    const before = evidence.length;
    for (const [field, text] of fields) {
      const phrase = text ? rule(text) : null;
      if (phrase) evidence.push({ category, phrase, field });
    }
    // "Marked as delivered" in the subject and "never got it" in the body are one complaint.
    if (evidence.length === before && category === "delivered_not_received") {
      const phrase = rule(`${subjectText} . ${bodyText}`);
      if (phrase) evidence.push({ category, phrase, field: "subject+body" });
    }
  }
  return { category: evidence[0]?.category ?? "other", evidence };
}

export function classifyTicket(subject: string, body: string, tags: readonly string[]): TicketCategory {
  return classifyTicketExplained(subject, body, tags).category;
}
