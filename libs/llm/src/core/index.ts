export * from './chat.types';
export * from './provider';
export * from './provider-error';
export * from './usage';
