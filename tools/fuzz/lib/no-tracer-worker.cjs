// The engine worker of the dap-message target's sessions: it fails at start, as a worker that
// cannot trace would, so that requests needing the engine get their error responses without a
// tracer thread or a debuggee per fuzz input.
'use strict';
throw new Error('no tracer while fuzzing the message layer');
