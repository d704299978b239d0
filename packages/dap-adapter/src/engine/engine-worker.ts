// Entry point of the tracer worker (dist/engine-worker.js): ptrace-core's worker loop with the
// debug engine as its extension, so that every stop is handled here, next to waitpid, and a
// DAP request costs one message round trip however many ptrace calls it takes.
import { workerData } from 'node:worker_threads';
import { hostTracer, type WorkerData } from '@umview/ptrace-core';
import { createEngineExtension } from './engine-extension.js';

hostTracer(workerData as WorkerData, createEngineExtension());
