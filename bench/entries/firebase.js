// The nearest create-once-ID SDK: Firebase Installations with its app core.
import { initializeApp } from '@firebase/app';
import { getId, getInstallations } from '@firebase/installations';

export function start(options) {
  return getId(getInstallations(initializeApp(options)));
}
