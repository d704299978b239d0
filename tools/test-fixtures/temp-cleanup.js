// A vitest setup file (baseTestConfig's setupFiles): the temporary directories a test file made
// with tempDir go when its tests are done. The process's exit would remove them too, but vitest
// ends its worker processes without always letting 'exit' handlers run, and a rootfs copy is
// 400 MB: left behind at every run, they filled the disk.
import { afterAll } from 'vitest';
import { removeTempDirs } from './index.js';

afterAll(removeTempDirs);
