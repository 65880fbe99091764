/** An error in a config: names the key and, when it came from a file, the file (and line). */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly key?: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'ConfigError';
  }
}

/** Levenshtein distance, for suggesting the key the user probably meant. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The candidate closest to `key` (case-insensitive), if it is close enough to be a plausible typo. */
export function closestKey(key: string, candidates: string[]): string | undefined {
  // Longer than any key: no typo of one, and the distance costs its length times theirs.
  if (key.length > 100) return undefined;
  let best: string | undefined;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(key.toUpperCase(), c.toUpperCase());
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}
