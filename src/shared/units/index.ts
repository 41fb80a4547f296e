export * from './package-units';
export * from './unit-names';
export * from './convert';
