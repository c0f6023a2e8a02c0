/**
 * TensorRT version detection from trtexec output.
 *
 * Two forms are printed by trtexec (checked against NVIDIA/TensorRT samples/trtexec/trtexec.cpp and real logs):
 * - the test banner `&&&& RUNNING TensorRT.trtexec [TensorRT v8601] # trtexec ...` (also `PASSED` / `FAILED`).
 *   The number is NV_TENSORRT_VERSION: 8.x packs it as MAJOR*1000 + MINOR*100 + PATCH (`v8601` = 8.6.1,
 *   `v8400` = 8.4.0); 10.x packs it as MAJOR*10000 + MINOR*100 + PATCH (`v100200` = 10.2.0, `v101303` = 10.13.3).
 *   Since 10.4 a build tag may follow: `[TensorRT v100600] [b26]`.
 * - the line `TensorRT version: 8.6.3` printed after the device block (`[I] TensorRT version: 10.3.0`).
 */

export interface TrtVersion {
  major: number;
  minor: number;
  patch: number;
  /** Build number from a `[bN]` banner tag or a fourth version component, when printed. */
  build?: number;
  /** The text the version was read from. */
  raw: string;
}

const BANNER =
  /&&&& (?:RUNNING|PASSED|FAILED|WAIVED) TensorRT\.trtexec \[TensorRT v(\d{4,6})\](?:\s*\[b(\d+)\])?/;
const VERSION_LINE = /TensorRT version:\s*(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?/;

/** Decodes the packed number of a `[TensorRT vNNNN]` banner; undefined when it cannot be a version. */
export function decodePackedVersion(packed: string): Omit<TrtVersion, 'raw'> | undefined {
  if (!/^\d{4,6}$/.test(packed)) return undefined;
  const n = Number(packed);
  // 4 digits: 8.x/7.x scheme (MAJOR*1000 + MINOR*100 + PATCH); 5-6 digits: 9.x and later (MAJOR*10000 + ...).
  if (packed.length === 4) {
    return { major: Math.floor(n / 1000), minor: Math.floor((n % 1000) / 100), patch: n % 100 };
  }
  return { major: Math.floor(n / 10000), minor: Math.floor((n % 10000) / 100), patch: n % 100 };
}

/** Finds the TensorRT version in a trtexec log (banner first, then the `TensorRT version:` line). */
export function detectTrtVersion(log: string): TrtVersion | undefined {
  const banner = BANNER.exec(log);
  if (banner) {
    const decoded = decodePackedVersion(banner[1]!);
    if (decoded) {
      const build = banner[2] === undefined ? undefined : Number(banner[2]);
      return { ...decoded, ...(build === undefined ? {} : { build }), raw: banner[0] };
    }
  }
  const line = VERSION_LINE.exec(log);
  if (line) {
    const build = line[4] === undefined ? undefined : Number(line[4]);
    return {
      major: Number(line[1]),
      minor: Number(line[2]),
      patch: Number(line[3]),
      ...(build === undefined ? {} : { build }),
      raw: line[0],
    };
  }
  return undefined;
}

/** Parses `10.3.0` / `8.6.1.6` (e.g. from config or `--version` of another tool). */
export function parseVersionString(text: string): TrtVersion | undefined {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(text);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? 0 : Number(m[3]),
    ...(m[4] === undefined ? {} : { build: Number(m[4]) }),
    raw: text.trim(),
  };
}

export function formatVersion(v: Pick<TrtVersion, 'major' | 'minor' | 'patch'>): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** `10.6.0+b26`: the version as far as engine compatibility goes. */
export function fullVersion(v: TrtVersion): string {
  return v.build === undefined ? formatVersion(v) : `${formatVersion(v)}+b${v.build}`;
}

/** Negative when a < b, zero when equal, positive when a > b (build numbers ignored). */
export function compareVersions(
  a: Pick<TrtVersion, 'major' | 'minor' | 'patch'>,
  b: Pick<TrtVersion, 'major' | 'minor' | 'patch'>,
): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
