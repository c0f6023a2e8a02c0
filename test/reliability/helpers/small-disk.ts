import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Fills the disk, then frees `freeBytes`: the next larger write runs out of space part-way. */
  fill(freeBytes: number): Promise<void>;
  unmount(): Promise<void>;
}

/**
 * A real small file system: a tmpfs of `size` mounted on a fresh directory. Needs root (or
 * CAP_SYS_ADMIN); where mounting is not permitted it returns the reason, for the test to skip with.
 */
export async function mountSmallDisk(size = '64k'): Promise<SmallDisk | { skip: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'trt-gate-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    const why = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
    return { skip: `cannot mount a ${size} tmpfs here (${why || 'not permitted'}): full-disk tests skipped` };
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    async fill(freeBytes) {
      const handle = await open(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x78);
      try {
        for (;;) await handle.write(chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        await handle.close();
      }
      const { size } = await (await import('node:fs/promises')).stat(filler);
      await truncate(filler, Math.max(0, size - freeBytes));
    },
    async unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
