export * from '../engine/settle-delivery.ts';
