export * from './symbols/index.js';
