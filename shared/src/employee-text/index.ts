export * from './employee-text';
