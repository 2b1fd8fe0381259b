export * from '../engine/deps.ts';
