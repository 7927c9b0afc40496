/**
 * Benchmark of `qle check`: throughput (records/s) and peak memory on a large trace.
 *
 *   npm run bench:check                       # 10^6 records of an 8-weight model
 *   npm run bench:check -- --records 200000
 *   npm run bench:check -- --gb 1             # a ~1 GB trace, to show memory stays bounded
 *
 * The trace is a faithful core run (src/check/sample-run.ts) written to a temporary file, then
 * checked in a fresh child process so its peak RSS is the checker's alone. The file is deleted
 * afterwards (unless --keep).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { checkFile } from '../src/check/checker.ts';
import { sampleTrace } from '../src/check/sample-run.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function checkPhase(file: string): Promise<void> {
  const start = process.hrtime.bigint();
  const result = await checkFile(file);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(
    `${JSON.stringify({ records: result.records, seconds, exitCode: result.exitCode, errors: result.errorCount, warnings: result.warningCount, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
  );
}

async function generate(file: string, records: number, targetBytes: number, dims: number): Promise<{ records: number; bytes: number; seconds: number }> {
  const start = process.hrtime.bigint();
  const out = createWriteStream(file);
  let bytes = 0;
  let count = -1;
  let batch: string[] = [];
  const flush = async () => {
    const text = `${batch.join('\n')}\n`;
    batch = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  const steps = targetBytes > 0 ? Number.MAX_SAFE_INTEGER : records;
  for (const line of sampleTrace({ steps, dims, seed: 3 })) {
    batch.push(line);
    count += 1;
    if (batch.length === 2000) {
      await flush();
      if (targetBytes > 0 && bytes >= targetBytes) break;
    }
  }
  if (batch.length > 0) await flush();
  out.end();
  await once(out, 'finish');
  return { records: count, bytes, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function main(): Promise<void> {
  if (option('phase') === 'check') return checkPhase(option('file')!);
  const records = Number(option('records') ?? 1e6);
  const gb = Number(option('gb') ?? 0);
  const dims = Number(option('dims') ?? 8);
  const dir = mkdtempSync(join(tmpdir(), 'qle-bench-check-'));
  const file = join(dir, 'trace.jsonl');
  try {
    const made = await generate(file, records, gb * 2 ** 30, dims);
    const size = statSync(file).size;
    console.log(`generated ${made.records} records (${dims} weights each), ${(size / 2 ** 20).toFixed(0)} MiB in ${made.seconds.toFixed(1)} s`);
    const self = fileURLToPath(import.meta.url);
    const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--phase', 'check', '--file', file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`check phase failed: ${child.stderr}`);
    const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!);
    console.log(
      [
        `checked ${m.records} records in ${m.seconds.toFixed(2)} s: ${Math.round(m.records / m.seconds).toLocaleString('en')} records/s, ${(size / 2 ** 20 / m.seconds).toFixed(0)} MiB/s`,
        `peak RSS of the checking process: ${(m.maxRssKiB / 1024).toFixed(0)} MiB for a ${(size / 2 ** 20).toFixed(0)} MiB trace`,
        `verdict: exit ${m.exitCode}, ${m.errors} errors, ${m.warnings} warnings (a faithful core run: expect exit 0)`,
      ].join('\n'),
    );
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${file}`);
  }
}

await main();
