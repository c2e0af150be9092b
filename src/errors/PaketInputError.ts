import { PaketError } from './PaketError.js';

/** An argument or option was invalid; thrown before any request is made. */
export class PaketInputError extends PaketError {
  /** The name of the offending argument or option. */
  readonly parameter: string;

  constructor(parameter: string, problem: string, method = '', path = '') {
    const where = path ? `${method} ${path}: ` : method ? `${method}: ` : '';
    super(`${where}${parameter} ${problem}`, method, path);
    this.name = 'PaketInputError';
    this.parameter = parameter;
  }
}
