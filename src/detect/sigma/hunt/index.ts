export { huntQuery, type HuntQuery } from './compile.js';
export { hunt, type HuntOptions, type HuntResult } from './run.js';
