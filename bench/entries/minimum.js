export { minimumClient } from '../minimum.js';
