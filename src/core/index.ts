/** The math core of qle: pure functions and small state classes, no I/O. */
export * from './exact.ts';
export * from './quantizer.ts';
export * from './wnh.ts';
export * from './schedule.ts';
export * from './learning.ts';
export * from './reading.ts';
export * from './learner.ts';
export * from './sde.ts';
export * from './objectives/index.ts';
export * from './rng.ts';
export * from './stats.ts';
