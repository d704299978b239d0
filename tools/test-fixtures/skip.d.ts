/** Inside a describe: when `reason` is set, each test of the block is skipped with it. */
export declare function skipEachWhen(reason: string | undefined): void;
