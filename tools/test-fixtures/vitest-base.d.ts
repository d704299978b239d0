/** The test settings every package's vitest config starts from (pool, hang guards, reporters). */
export declare const baseTestConfig: {
  pool: 'forks';
  testTimeout: number;
  hookTimeout: number;
  reporters: string[];
  setupFiles: string[];
};
