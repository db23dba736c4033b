export { FakeVendorServer } from './server';
export * from './types';
