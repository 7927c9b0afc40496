/** `qle schedule`: the index schedule of SPEC §6 alone, p[t] = min(p_max, max(p[t−1], ⌈p_inf(t)⌉)). */
import type { Command } from 'commander';
import { REFERENCE_SCHEDULE, scheduleTable, type ScheduleParams } from '../../core/schedule.ts';
import { UsageError } from '../errors.ts';
import { parseInteger, parseNumber, positive, nonNegative } from '../parse.ts';

/** The table is built in memory: beyond this many steps, ask for a smaller table. */
export const MAX_STEPS = 10_000_000;

interface ScheduleOptions {
  base: number;
  eta: number;
  C: number;
  beta: number;
  kappa: number;
  p0: number;
  pmax: number;
  steps: number;
  json?: boolean;
}

export function register(program: Command): void {
  const R = REFERENCE_SCHEDULE;
  program
    .command('schedule')
    .description('print T(t), p_inf(t) and the scheduled index p[t] for t = 0 … steps−1 (SPEC §6)')
    .option('--base <B>', 'quantization base b (integer >= 2)', parseInteger('base', 2), R.base)
    .option('--eta <E>', 'η (integer >= 1)', parseInteger('eta', 1), R.eta)
    .option('--C <C>', 'Geman–Hwang constant C (> 0)', parseNumber('C', positive), R.C)
    .option('--beta <BETA>', 'β, keeps the early phase hot (>= 0)', parseNumber('beta', nonNegative), R.beta)
    .option('--kappa <K>', 'κ, noise scale (reference 64/24; Langevin 1/(24λ))', parseNumber('kappa', positive), R.kappa)
    .option('--p0 <P0>', 'initial index p_0', parseInteger('p0'), R.p0)
    .option('--pmax <PMAX>', 'index cap p_max', parseInteger('pmax'), R.pMax)
    .requiredOption('--steps <N>', `number of steps (1 … ${MAX_STEPS})`, parseInteger('steps', 1, MAX_STEPS))
    .option('--json', 'print one JSON object {t, T, pInf, p}')
    .action((options: ScheduleOptions) => {
      const params: ScheduleParams = {
        base: options.base,
        eta: options.eta,
        C: options.C,
        beta: options.beta,
        kappa: options.kappa,
        p0: options.p0,
        pMax: options.pmax,
      };
      const table = scheduleTable(params, options.steps);
      // T(t) = b^(2β/(t+2))·C/ln(t+2) overflows for extreme β or C: say so rather than print null or Infinity.
      const bad = table.T.findIndex((T, i) => !Number.isFinite(T) || !Number.isFinite(table.pInf[i]));
      if (bad >= 0) {
        throw new UsageError(
          `--beta ${params.beta} with --C ${params.C}, --kappa ${params.kappa} and --base ${params.base} give a non-finite ` +
            `${Number.isFinite(table.T[bad]) ? 'p_inf' : 'T'}(${bad}) (${Number.isFinite(table.T[bad]) ? table.pInf[bad] : table.T[bad]}): choose smaller values`,
        );
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(table)}\n`);
        return;
      }
      const lines = ['       t            T(t)       p_inf(t)     p'];
      for (let i = 0; i < table.t.length; i++) {
        lines.push(
          `${String(table.t[i]).padStart(8)}  ${table.T[i].toExponential(6).padStart(14)}  ${table.pInf[i]
            .toFixed(4)
            .padStart(12)}  ${String(table.p[i]).padStart(4)}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
