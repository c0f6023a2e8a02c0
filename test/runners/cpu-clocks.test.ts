import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuClocksPolicy } from '../../src/runners/cpu-clocks.js';
import { tempDir } from '../helpers/tiny-config.js';

describe('CPU clocks policy', () => {
  it('is the cpufreq governor where readable, and says so where not', async () => {
    const { dir, cleanup } = await tempDir('trt-gate-governor-');
    try {
      const file = join(dir, 'scaling_governor');
      await writeFile(file, 'performance\n');
      expect(await cpuClocksPolicy(file)).toBe('cpu governor performance');
      await writeFile(file, '\u001b[31mevil\n');
      expect(await cpuClocksPolicy(file)).toBe('n/a (cpu, governor not readable)');
      expect(await cpuClocksPolicy(join(dir, 'missing'))).toBe('n/a (cpu, governor not readable)');
    } finally {
      await cleanup();
    }
  });
});
