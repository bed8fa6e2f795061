export { SqliteStore, StoreWriteError, type SqliteStoreOptions } from './sqlite-store.js';
export { verifyStore } from './verify.js';
