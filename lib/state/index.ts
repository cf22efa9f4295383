/** The background's state: types, the reducer and its selectors. */
export * from './state';
export * from './reduce';
export * from './selectors';
export * from './history';
export * from './unit-view';
export * from './excursions';
