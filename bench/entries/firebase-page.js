// Firebase Installations with its app core, for the warm-start anchor page.
export { initializeApp } from '@firebase/app';
export { getId, getInstallations } from '@firebase/installations';
