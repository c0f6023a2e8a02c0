// Types of scripts/build.mjs (plain JavaScript: `prepare` runs it before anything is set up).
import type { Metafile } from 'esbuild';

export declare const ROOT: string;
export declare const EXTERNAL: string[];
export declare const TARGETS: Record<'cli' | 'action', { outdir: string }>;
export declare function buildConstants(): Record<string, string>;
export declare function build(target: 'cli' | 'action', outdir?: string): Promise<Metafile>;
