// Kept for test/unit/demo-config.test.ts: the demo's config now lives in demo-app/shared/.
export { chooseBaseUrl } from '../shared/config';
