export { DW_AT } from './attributes.js';
export { DW_ATE, DW_INL } from './encodings.js';
export { DW_FORM } from './forms.js';
export { DW_LNCT, DW_LNE, DW_LNS } from './line.js';
export { DW_LLE, DW_RLE } from './lists.js';
export { DW_OP } from './operations.js';
export { DW_TAG } from './tags.js';
export { DW_UT } from './units.js';
