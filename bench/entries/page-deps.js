// What the benchmark page needs besides the SDK: raw idb-keyval, ky for the
// floors with the required stack, and the hand-written minimum.
export { createStore, get, set, update } from 'idb-keyval';
export { default as ky } from 'ky';
export { minimumClient } from '../minimum.js';
