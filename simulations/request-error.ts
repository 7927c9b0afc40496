/** The one error type of `qle report`'s validation: in its own module, so the CLI can name it without loading the simulations. */
/** A report request that cannot be run (unknown study, bad count): the message names the option; the CLI exits 2. */
export class ReportRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportRequestError';
  }
}
