/** Types for the part of webhooks.mjs the TypeScript tests use. */
/** The development values the local worker runs with: .dev.vars, or .dev.vars.example before npm start creates it. */
export declare function devVars(): Record<string, string>;
