/** The store's defaults the configuration names (the edges reach the store only through src/app). */
export { DEFAULT_BUSY_TIMEOUT_MS } from '../store/write-transaction';
