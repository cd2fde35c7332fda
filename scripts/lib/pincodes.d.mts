/** Types for pincodes.mjs (the compact India Post directory). */
export interface DirectoryRow {
  pincode: string;
  state: string;
  district: string;
  places: string;
}
export function packageDataFile(): string;
export function compactRows(records: unknown[]): DirectoryRow[];
export function loadPackageRecords(file?: string): unknown[];
export function directorySql(rows: readonly DirectoryRow[], perStatement?: number): string;
