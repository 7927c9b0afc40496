import { runReport } from './simulations/report.ts';
const studies = process.argv[2] ? process.argv[2].split(',') : undefined;
await runReport({ studies, runs: Number(process.argv[3] ?? 20), steps: Number(process.argv[4] ?? 2000), outDir: process.argv[5] ?? '/tmp/r1', cacheDir: null, log: (l) => console.error(l) });
