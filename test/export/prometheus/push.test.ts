import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { instanceOf, PushError, pushToGateway } from '../../../src/export/prometheus/push.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { makeEntry, makeResults, samples } from '../../report/helpers.js';
import { histograms, parseExposition, series } from './parse.js';
import { pushgatewayMissing, type RunningPushgateway, startPushgateway } from './pushgateway.js';

const missing = pushgatewayMissing();
if (missing) console.warn(missing);

function run(device: string, median: number) {
  const trials = [samples({ median, jitter: 0.5, seed: 3 }), samples({ median, jitter: 0.5, seed: 4 })];
  return makeResults({ entries: [makeEntry({ model: 'tinycnn', precision: 'fp16', trials })], device });
}

describe.skipIf(missing !== undefined)('export prometheus --push to a real Pushgateway', () => {
  let gateway: RunningPushgateway;
  let dir: string;
  beforeAll(async () => {
    gateway = await startPushgateway();
    dir = await mkdtemp(join(tmpdir(), 'trt-gate-prom-'));
  });
  afterAll(async () => {
    await gateway?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pushes from results.json; the gateway then serves the histogram on /metrics', async () => {
    const results = run('NVIDIA L4 (sm 8.9)', 4);
    const from = join(dir, 'results.json');
    await writeFile(from, JSON.stringify(results));
    const out = join(dir, 'textfile', 'trt-gate.prom');
    const cli = fakeIO({ cwd: dir });
    const code = await main(
      ['export', 'prometheus', '--from', from, '--out', out, '--push', gateway.url],
      cli.io,
    );
    expect(cli.stderr).toContain('pushed');
    expect(code).toBe(0);

    const metrics = await parseExposition(await (await fetch(`${gateway.url}/metrics`)).text());
    const latency = histograms(metrics, 'trt_inference_latency_seconds').filter(
      (h) => h.labels.job === 'trt-gate',
    );
    expect(latency).toHaveLength(1);
    const h = latency[0]!;
    expect(h.labels).toMatchObject({
      instance: instanceOf('NVIDIA L4 (sm 8.9)'),
      model: 'tinycnn',
      gpu: 'NVIDIA L4 (sm 8.9)',
    });
    const all = results.entries[0]!.latency!.trials.flatMap((t) => t.samples);
    expect(h.count).toBe(all.length);
    expect(h.buckets['0.005']).toBe(all.filter((ms) => ms <= 5).length);
    // The textfile-collector file is the same exposition.
    const file = await parseExposition(await readFile(out, 'utf8'));
    expect(histograms(file, 'trt_inference_latency_seconds')[0]!.count).toBe(all.length);
  });

  it('pushes the GPU utilization nvidia-smi recorded while benchmarking, and none where unknown', async () => {
    const gpu = run('NVIDIA L4 (sm 8.9)', 4);
    // As the trtexec runner records it (test/runners/trtexec/gpu-utilization.test.ts).
    gpu.entries[0]!.health = { source: 'nvidia-smi', utilizationPct: { min: 88, max: 97 } };
    const cpu = run('AMD EPYC 7B13', 4);
    await pushToGateway([gpu, cpu], { url: gateway.url, job: 'utilization' });
    const metrics = await parseExposition(await (await fetch(`${gateway.url}/metrics`)).text());
    const util = series(metrics, 'trt_gpu_utilization_percent').filter((s) => s.labels.job === 'utilization');
    expect(util).toEqual([
      {
        labels: expect.objectContaining({ instance: instanceOf('NVIDIA L4 (sm 8.9)'), model: 'tinycnn' }),
        value: 97,
      },
    ]);
  });

  it('gives each device its own group, and a re-push replaces only that group', async () => {
    await pushToGateway([run('GPU A', 2), run('GPU B', 8)], { url: gateway.url, job: 'matrix' });
    await pushToGateway([run('GPU A', 3)], { url: gateway.url, job: 'matrix' });
    const metrics = await parseExposition(await (await fetch(`${gateway.url}/metrics`)).text());
    const mine = histograms(metrics, 'trt_inference_latency_seconds').filter(
      (h) => h.labels.job === 'matrix',
    );
    expect(mine.map((h) => h.labels.instance).sort()).toEqual(['GPU_A', 'GPU_B']);
    const a = mine.find((h) => h.labels.instance === 'GPU_A')!;
    // Medians of 3 ms with ±50 % jitter: the sum moved from the 2 ms push to the 3 ms one.
    expect(a.sum! / a.count).toBeGreaterThan(0.0025);
    expect(
      series(metrics, 'push_failure_time_seconds').filter((s) => s.labels.job === 'matrix' && s.value > 0),
    ).toEqual([]);
  });
});

describe('Pushgateway failures', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  let answers: number[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        const status = answers.shift() ?? 200;
        res.writeHead(status).end(status >= 400 ? 'text format parsing error in line 3' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries 5xx and succeeds when the gateway recovers', async () => {
    requests = 0;
    answers = [503, 502];
    const retried: string[] = [];
    await pushToGateway([run('GPU', 2)], {
      url,
      retries: 3,
      minTimeoutMs: 1,
      onRetry: (m) => retried.push(m),
    });
    expect(requests).toBe(3);
    expect(retried).toHaveLength(2);
    expect(retried[0]).toContain('503');
  });

  it('does not retry a 400 and names the gateway and the reason', async () => {
    requests = 0;
    answers = [400];
    const error = await pushToGateway([run('GPU', 2)], { url, retries: 3, minTimeoutMs: 1 }).catch((e) => e);
    expect(requests).toBe(1);
    expect(error).toBeInstanceOf(PushError);
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(url);
    expect(error.message).toContain('parsing error');
  });

  it('gives up after the retries when nothing listens, with exit code 4 from the CLI', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise((resolve) => closed.close(resolve));
    const dir = await mkdtemp(join(tmpdir(), 'trt-gate-prom-'));
    try {
      const from = join(dir, 'results.json');
      await writeFile(from, JSON.stringify(run('GPU', 2)));
      const cli = fakeIO({ cwd: dir });
      const code = await main(
        ['export', 'prometheus', '--from', from, '--push', `http://127.0.0.1:${port}`, '--retries', '1'],
        cli.io,
      );
      expect(code).toBe(4);
      expect(cli.stderr).toMatch(
        /could not push metrics to the Pushgateway at http:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/,
      );
      expect(cli.stderr).toContain('retrying');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects a URL that is not http(s) as a usage error', async () => {
    const error = await pushToGateway([run('GPU', 2)], { url: 'ftp://x' }).catch((e) => e);
    expect(error.exitCode).toBe(2);
  });
});
