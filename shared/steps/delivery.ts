export * from '../engine/delivery.ts';
