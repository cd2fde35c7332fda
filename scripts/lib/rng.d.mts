/** Types for rng.mjs (the tests share the seed's PRNG instead of copying it). */
export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(list: readonly T[]): T;
  weighted<T>(pairs: readonly (readonly [T, number])[]): T;
  normal(mean: number, sd: number): number;
  fork(salt: string | number): Rng;
}
export function createRng(seed: number): Rng;
export function hash(text: string): number;
