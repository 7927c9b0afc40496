/**
 * An objective typed as a formula, e.g. `x^4/4 - x^2/2 + 0.1*x` (d = 1, variable x) or
 * `(x1^2 + x2 - 11)^2 + (x1 + x2^2 - 7)^2` (variables x1 … xd, d the largest index): parsed,
 * differentiated symbolically and compiled with mathjs. Its global minimisers are not known in
 * closed form: they are found numerically (./local-minima.ts) and every report says so.
 *
 * Loaded on demand (mathjs takes about a second to import): the core index does not import it.
 */
import { all, create, type MathNode } from 'mathjs';
import { ObjectiveError, type Objective } from './objective.ts';
import { findGlobalMinimisers, type MinimiserSearch } from './local-minima.ts';

const math = create(all);

/** Functions mathjs can differentiate that make sense in an objective. */
const FUNCTIONS = new Set(['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'cbrt', 'abs', 'sinh', 'cosh', 'tanh', 'asin', 'acos', 'atan', 'pow']);
const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);
const CONSTANTS = new Set(['pi', 'e']);
/** Dimensions beyond this make the d² compiled Hessian entries of the minimiser search too slow. */
export const MAX_EXPRESSION_DIMS = 20;

export interface ParsedExpression {
  readonly expression: string;
  /** Variable names in coordinate order: ['x'] or ['x1', …, 'xd']. */
  readonly variables: readonly string[];
  readonly dims: number;
  value(x: ArrayLike<number>): number;
  gradient(x: ArrayLike<number>, g: Float64Array): void;
  hessian(x: ArrayLike<number>, h: Float64Array): void;
  /** The symbolic partial derivatives, as mathjs prints them. */
  readonly derivatives: readonly string[];
}

function reject(expression: string, why: string): never {
  throw new ObjectiveError(`objective ${JSON.stringify(expression)}: ${why}`);
}

/** The variables of a checked expression tree: x alone, or x1 … xd. */
function variablesOf(expression: string, node: MathNode): string[] {
  const used = new Set<string>();
  node.traverse((n: MathNode, path: string, parent: MathNode | null) => {
    if (n.type === 'ConstantNode') {
      if (typeof (n as unknown as { value: unknown }).value !== 'number') reject(expression, 'only numbers may appear as constants');
    } else if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      if (parent?.type === 'FunctionNode' && path === 'fn') {
        if (!FUNCTIONS.has(name)) reject(expression, `unknown function ${name}; allowed: ${[...FUNCTIONS].join(', ')}`);
      } else if (!CONSTANTS.has(name)) {
        if (!/^x([1-9]\d*)?$/.test(name)) reject(expression, `unknown symbol ${name}; use x (d = 1) or x1 … xd`);
        used.add(name);
      }
    } else if (n.type === 'OperatorNode') {
      const fn = (n as unknown as { fn: string }).fn;
      if (!OPERATORS.has(fn)) reject(expression, `operator ${(n as unknown as { op: string }).op} is not allowed; use + - * / ^`);
    } else if (n.type !== 'FunctionNode' && n.type !== 'ParenthesisNode') {
      reject(expression, `${n.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed`);
    }
  });
  if (used.size === 0) reject(expression, 'it uses no variable (x, or x1 … xd)');
  if (used.has('x')) {
    if (used.size > 1) reject(expression, 'use either x (d = 1) or x1 … xd, not both');
    return ['x'];
  }
  const dims = Math.max(...[...used].map((v) => Number(v.slice(1))));
  if (dims > MAX_EXPRESSION_DIMS) reject(expression, `x${dims} gives d = ${dims}; at most ${MAX_EXPRESSION_DIMS} variables`);
  return Array.from({ length: dims }, (_, i) => `x${i + 1}`);
}

/** Parse, check, differentiate (gradient and Hessian) and compile an objective formula. */
export function parseExpression(expression: string): ParsedExpression {
  if (expression.trim() === '') reject(expression, 'it is empty');
  let node: MathNode;
  try {
    node = math.parse(expression);
  } catch (error) {
    reject(expression, (error as Error).message.split('\n')[0]);
  }
  const variables = variablesOf(expression, node);
  const d = variables.length;
  let first: MathNode[];
  let second: MathNode[];
  try {
    first = variables.map((v) => math.derivative(node, v));
    second = first.flatMap((di) => variables.map((v) => math.derivative(di, v)));
  } catch (error) {
    reject(expression, `cannot differentiate: ${(error as Error).message.split('\n')[0]}`);
  }
  const compiled = node.compile();
  const gradient = first.map((n) => n.compile());
  const hessian = second.map((n) => n.compile());
  // One scope, reused: compiled mathjs code reads the variables from it by name.
  const scope = new Map<string, number>();
  const load = (x: ArrayLike<number>) => {
    for (let i = 0; i < d; i++) scope.set(variables[i], x[i]);
  };
  // Complex results (sqrt of a negative) or anything else that is not a real number count as NaN.
  const real = (v: unknown) => (typeof v === 'number' ? v : NaN);
  return {
    expression,
    variables,
    dims: d,
    derivatives: first.map((n) => n.toString()),
    value(x) {
      load(x);
      return real(compiled.evaluate(scope));
    },
    gradient(x, g) {
      load(x);
      for (let i = 0; i < d; i++) g[i] = real(gradient[i].evaluate(scope));
    },
    hessian(x, h) {
      load(x);
      for (let i = 0; i < d * d; i++) h[i] = real(hessian[i].evaluate(scope));
    },
  };
}

export interface ExpressionObjectiveOptions {
  /** Search box [lower, upper] per coordinate (starts are drawn there; minimisers are sought there). */
  readonly lower: number;
  readonly upper: number;
  /** Minimisers already found (e.g. by the main thread, passed to workers): skips the search. */
  readonly minimisers?: readonly (readonly number[])[];
  readonly name?: string;
}

/** The name expression objectives run under in studies and reports. */
export const EXPRESSION_OBJECTIVE = 'expression';

export interface ExpressionObjective extends Objective {
  readonly parsed: ParsedExpression;
  /** How the minimisers were found; absent when they were given. */
  readonly search?: MinimiserSearch;
}

export function createExpressionObjective(expression: string, options: ExpressionObjectiveOptions): ExpressionObjective {
  const { lower, upper } = options;
  if (!(Number.isFinite(lower) && Number.isFinite(upper) && lower < upper)) {
    throw new ObjectiveError(`objective box must be finite with lower < upper, got [${lower}, ${upper}]`);
  }
  const parsed = parseExpression(expression);
  const d = parsed.dims;
  let search: MinimiserSearch | undefined;
  let minimisers: Float64Array[];
  if (options.minimisers) {
    minimisers = options.minimisers.map((m) => Float64Array.from(m));
  } else {
    search = findGlobalMinimisers(parsed, lower, upper);
    minimisers = search.minimisers.map((m) => Float64Array.from(m));
  }
  const point = new Float64Array(d);
  const grad = new Float64Array(d);
  return {
    name: options.name ?? EXPRESSION_OBJECTIVE,
    dims: d,
    lower,
    upper,
    minimum: Math.min(...minimisers.map((m) => parsed.value(m))),
    minimisers,
    parsed,
    ...(search ? { search } : {}),
    value(w, offset) {
      for (let i = 0; i < d; i++) point[i] = w[offset + i];
      return parsed.value(point);
    },
    gradient(w, offset, g, gOffset) {
      for (let i = 0; i < d; i++) point[i] = w[offset + i];
      parsed.gradient(point, grad);
      for (let i = 0; i < d; i++) g[gOffset + i] = grad[i];
    },
  };
}
