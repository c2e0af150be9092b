// What the benchmark page needs besides the SDK: raw idb-keyval and the hand-written floor.
export { createStore, get, set } from 'idb-keyval';
export { minimumClient } from '../minimum.js';
