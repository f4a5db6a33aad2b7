// The fake clock is public API now (testing/); tests import it from here as before.
export { FakeClock } from '../../testing/fake-clock.ts';
