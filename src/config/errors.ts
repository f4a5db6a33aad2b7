// Errors from the command lines and the config files they name. A program
// prints `message` after its name and exits with status 2 ("bad usage");
// nothing else is needed to explain it. One type for all of them: the
// registry's options and site config, the simulator's flags, its crossbar
// config and swarm scenarios.

export class UsageError extends Error {
  override name = 'UsageError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Thrown by loadRegistryConfig when `--help`/`-h` is on the command line, so
 * a caller that forgot to check `wantsHelp` first never runs with a half-read
 * configuration. `text` is what to print (to stdout, exit status 0).
 */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
  readonly text: string;

  constructor(text: string) {
    super('Help requested');
    this.text = text;
  }
}
