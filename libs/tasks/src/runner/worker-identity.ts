import { hostname } from 'node:os';

/** `host:pid` of this process, recorded on every task it runs. */
export const WORKER_ID = `${hostname()}:${process.pid}`;
