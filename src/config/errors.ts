// Errors from the command line and the site config. The entry point prints
// `message` and exits with status 2; nothing else is needed to explain it.

export class ConfigError extends Error {
  override name = 'ConfigError';

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
