export { createStore, get, set } from 'idb-keyval';
