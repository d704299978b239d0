// The processes suite again, with the unreal module in proxy mode (the monitor serves the files).
process.env.UMVIEW_TEST_UNREAL = 'unreal,mode=proxy';
await import('../processes.test.js');
export {};
