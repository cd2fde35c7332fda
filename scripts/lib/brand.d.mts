/** Types for the parts of brand.mjs the tests read. */
export const DESTINATIONS: { prefix: string; pincodes: string[]; city: string; state: string; code: string; origin: string; hours: number; share: number }[];
