// A request the API cannot serve: answered with its status and a JSON body
// {"error": "..."} whose message names the problem, with quoted values.

export class BadRequest extends Error {
  readonly status: 400 | 404;

  constructor(message: string, status: 400 | 404 = 400) {
    super(message);
    this.name = 'BadRequest';
    this.status = status;
  }
}

/** A value quoted for an error message, cut short so a huge one cannot bloat the reply. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}
