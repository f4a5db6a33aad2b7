// Field names of the agent_operations feed, exactly as the Python registry
// builds them (agent.py:137-140, ocs_feed.py Feed.enforce_field_name_rules and
// Feed.verify_data_field_string). Dashboards depend on these names.

const MAX_FIELD_LENGTH = 255;
const INVALID_CHARS = /[^A-Za-z0-9_]/g;
const LEADING_NON_LETTERS = /^[^A-Za-z]+/;
/** A field name the rules leave unchanged and verify accepts (length apart). */
const VALID_AS_IS = /^[A-Za-z][A-Za-z0-9_]*$/;

/** `Feed.enforce_field_name_rules`: coerce any string into a valid field name. */
export function enforceFieldNameRules(name: string): string {
  if (name === '') return 'invalid_field';
  let field = name.replaceAll(' ', '_').replace(INVALID_CHARS, '');
  // Leading underscores are kept, other leading non-letters are dropped.
  const stripped = field.replace(/^_+/, '');
  const underscores = field.length - stripped.length;
  field = '_'.repeat(underscores) + stripped.replace(LEADING_NON_LETTERS, '');
  return field.slice(0, MAX_FIELD_LENGTH);
}

/** `Feed.verify_data_field_string`: null when valid, else Python's ValueError text. */
export function fieldNameProblem(field: string): string | null {
  if (field === '') return 'Empty field name encountered, please enter a valid field name.';
  const bad = field.match(INVALID_CHARS);
  if (bad) {
    return `message 'data' block contains the key ${field} with the invalid character '${bad[0]}'. ` +
      'Valid characters are a-z, A-Z, 0-9, and underscore.';
  }
  // Python strips underscores from both ends, so an all-underscore name passes.
  if (LEADING_NON_LETTERS.test(field.replace(/^_+|_+$/g, ''))) {
    return `message 'data' block contains the key ${field}, which does not start with a letter ` +
      '(after any number of leading underscores.)';
  }
  if (field.length > MAX_FIELD_LENGTH) {
    return `message 'data' block contains key ${field} which exceeds the valid length of 255 characters.`;
  }
  return null;
}

/** The agent_operations field for one op of one agent; null when Python would skip it. */
export function operationFieldName(agentAddress: string, opName: string): string | null {
  const raw = `${agentAddress}_${opName}`.replaceAll('.', '_').replaceAll('-', '_');
  // The usual name is already valid (a letter, then letters, digits and underscores, at most 255): the rules
  // leave it as it is. One test instead of five regex passes: the registry builds one per agent_operations
  // event, ~1,300/s at 10k agents from the periodic republish alone (a few % of its JavaScript samples).
  if (raw.length <= MAX_FIELD_LENGTH && VALID_AS_IS.test(raw)) return raw;
  const field = enforceFieldNameRules(raw);
  return fieldNameProblem(field) === null ? field : null;
}

/**
 * What every field of an address starts with, for collision checks: two
 * addresses with the same prefix would write the same fields.
 */
export function addressFieldPrefix(agentAddress: string): string {
  return enforceFieldNameRules(`${agentAddress}_`.replaceAll('.', '_').replaceAll('-', '_'));
}
