// Replaced at build time by tsup (define), read from package.json.
declare const __UMVIEW_DAP_VERSION__: string;
export const VERSION: string = typeof __UMVIEW_DAP_VERSION__ === 'string' ? __UMVIEW_DAP_VERSION__ : 'development';
