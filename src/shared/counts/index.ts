export * from './reasons';
export * from './tolerance';
export * from './containers';
export * from './manifestation';
export * from './scope';
export * from './adjustment-details';
