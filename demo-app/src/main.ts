// Entry of the modern bundle.
import { startApp } from './start';

startApp();
