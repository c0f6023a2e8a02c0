/**
 * Seeded pseudo-random numbers for the bootstrap, so a comparison is reproducible: the same inputs
 * and seed give the same intervals and verdicts. sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, 128-bit state) passes PractRand/BigCrush and is fast with 32-bit integer ops in V8.
 */

export interface Rng {
  /** A uniform draw in [0, 1). */
  next(): number;
  /** A uniform 32-bit unsigned integer. */
  uint32(): number;
}

/** 32-bit FNV-1a of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A class, not a closure: every instance shares one `uint32` method, so the bootstrap's call site
 * stays monomorphic and V8 inlines it; the state lives in an Int32Array because int32 values in
 * plain fields or closure variables get boxed as heap numbers (V8's small integers are 31-bit).
 */
export class Sfc32 implements Rng {
  private readonly s: Int32Array;

  constructor(seed: number | string) {
    let x = typeof seed === 'number' && Number.isInteger(seed) ? seed >>> 0 : hashString(String(seed));
    // splitmix32 spreads the seed over the four state words.
    const splitmix = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s = Int32Array.of(splitmix(), splitmix(), splitmix(), splitmix());
    // Discard the first outputs: they still correlate with the seed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const st = this.s;
    const a = st[0]!;
    const b = st[1]!;
    const c = st[2]!;
    const d = st[3]!;
    const t = (((a + b) | 0) + d) | 0;
    st[3] = (d + 1) | 0;
    st[0] = b ^ (b >>> 9);
    st[1] = (c + (c << 3)) | 0;
    st[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.uint32() / 4294967296;
  }
}

/** A generator seeded from a number or string (strings and non-integers are hashed). */
export function createRng(seed: number | string): Rng {
  return new Sfc32(seed);
}

/**
 * An independent stream per (seed, parts…): each entry and metric gets its own generator, so a
 * verdict never depends on which other entries or metrics were compared, or in what order.
 */
export function deriveRng(seed: number, ...parts: string[]): Rng {
  return new Sfc32(`${seed}\u0000${parts.join('\u0000')}`);
}
