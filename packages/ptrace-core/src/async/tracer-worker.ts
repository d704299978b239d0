// Entry point of the tracer worker thread (started by AsyncTracer).
import { workerData } from 'node:worker_threads';
import { hostTracer, type WorkerData } from './worker-host.js';

hostTracer(workerData as WorkerData);
