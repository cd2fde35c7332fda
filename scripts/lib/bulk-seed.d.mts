/** Types for bulk-seed.mjs. */
export declare function seedBulk(db: D1Database, options?: { n?: number; now?: number; days?: number }): Promise<void>;
