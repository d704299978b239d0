// Replaced at build time by tsup (define), read from package.json.
declare const __UMVIEW_LITE_VERSION__: string;
export const VERSION: string = typeof __UMVIEW_LITE_VERSION__ === 'string' ? __UMVIEW_LITE_VERSION__ : 'development';
