// Stands in for ky's utils/body.js in the SDK bundles (see vite.config.ts). That module only
// serves ky's onUploadProgress and onDownloadProgress options, which the SDK never passes;
// leaving it out saves TV users about 0.4 KB gzip. scripts/build.mjs checks that the exports
// still match ky's, so a ky upgrade that changes the module fails the build.
const unused = () => {
  throw new Error('paket-tv-sdk: ky progress streams are not bundled');
};
export const getBodySize = unused;
export const streamResponse = unused;
export const streamRequest = unused;
