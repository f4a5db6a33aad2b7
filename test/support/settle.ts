// settle and runFor are public API now (testing/); tests import them from here as before.
export { runFor, settle, until } from '../../testing/settle.ts';
