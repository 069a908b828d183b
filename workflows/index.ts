// The worker's workflow entry: every workflow type the task queue serves.
export { signer } from './signer.js';
