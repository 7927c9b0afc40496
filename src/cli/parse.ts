/** Option parsers shared by the commands: each names the option it rejects. */
import { UsageError } from './errors.ts';

export function parseInteger(name: string, min = -Infinity, max = Infinity): (raw: string) => number {
  return (raw: string) => {
    const value = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(value)) throw new UsageError(`--${name} must be an integer, got ${JSON.stringify(raw)}`);
    if (value < min) throw new UsageError(`--${name} must be >= ${min}, got ${value}`);
    if (value > max) throw new UsageError(`--${name} must be <= ${max}, got ${value}`);
    return value;
  };
}

/** A finite number; accepts `2^-k` powers for learning rates and the like. */
export function parseNumber(name: string, check?: (value: number) => string | undefined): (raw: string) => number {
  return (raw: string) => {
    const text = raw.trim();
    const power = /^([+-]?\d+(?:\.\d+)?)\^([+-]?\d+)$/.exec(text);
    const value = power ? Number(power[1]) ** Number(power[2]) : text === '' ? NaN : Number(text);
    if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a finite number, got ${JSON.stringify(raw)}`);
    const problem = check?.(value);
    if (problem) throw new UsageError(`--${name} ${problem}, got ${value}`);
    return value;
  };
}

export const positive = (value: number) => (value > 0 ? undefined : 'must be > 0');
export const nonNegative = (value: number) => (value >= 0 ? undefined : 'must be >= 0');

export function parseChoice<T extends string>(name: string, choices: readonly T[]): (raw: string) => T {
  return (raw: string) => {
    if (!(choices as readonly string[]).includes(raw)) {
      throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw as T;
  };
}

/** Read all of stdin as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
