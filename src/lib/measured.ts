/**
 * Combining values some of which were not measured (null): a maximum or a sum of what was
 * measured, null when nothing was (the perfdata says U then, never 0).
 */
export const maxOf = (xs: (number | null)[]): number | null => xs.reduce<number | null>((m, x) => (x === null ? m : Math.max(m ?? x, x)), null);

export const sumOf = (xs: (number | null)[]): number | null => xs.reduce<number | null>((s, x) => (x === null ? s : (s ?? 0) + x), null);

/** `part` as a percentage of `whole`, two decimals; null when either is unknown or the whole is 0. */
export const percent = (part: number | null, whole: number | null): number | null => (part === null || !whole ? null : Math.round((10000 * part) / whole) / 100);
