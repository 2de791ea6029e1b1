/**
 * The fault-injecting fake, built inside the PKCS#11 worker thread (see `openWorkerPkcs11Module`):
 * its PIN pad really blocks the thread (Atomics.wait), as a vendor library's C_Login does while the
 * user types on the reader, until the test presses a key through shared memory. Test-only.
 */
import { FakePkcs11, type FakeTokenOptions } from './fake-pkcs11';

/** A token the worker builds (plain data: it crosses threads). */
export type WorkerFakeToken = Pick<FakeTokenOptions, 'label' | 'serial' | 'pin' | 'flags' | 'pinFlags' | 'maxTries'>;

/** What the test passes to the worker. */
export interface WorkerFakeOptions {
  readonly tokens: readonly WorkerFakeToken[];
  /**
   * The PIN pad's keys, shared with the test ({@link pinPadKeys}): while a pad login waits, `[1]` is
   * 1; the test writes 1 (OK) or 2 (Cancel) to `[0]` and notifies it. No answer in 10 s is Cancel.
   */
  readonly pad: SharedArrayBuffer;
}

/** Called by the worker: the fake, whose protected-path tokens wait on the shared PIN pad. */
export function createPkcs11Api(options: WorkerFakeOptions): FakePkcs11 {
  const keys = new Int32Array(options.pad);
  const pinPad = (): 'ok' | 'cancel' => {
    Atomics.store(keys, 1, 1);
    Atomics.wait(keys, 0, 0, 10_000);
    const key = Atomics.exchange(keys, 0, 0);
    Atomics.store(keys, 1, 0);
    return key === 1 ? 'ok' : 'cancel';
  };
  return new FakePkcs11(options.tokens.map((t) => ({ ...t, pinPad, objects: [] })));
}

/** The test's side of the PIN pad. */
export function pinPadKeys(pad: SharedArrayBuffer): { waiting(): boolean; press(key: 'ok' | 'cancel'): void } {
  const keys = new Int32Array(pad);
  return {
    waiting: () => Atomics.load(keys, 1) === 1,
    press(key) {
      Atomics.store(keys, 0, key === 'ok' ? 1 : 2);
      Atomics.notify(keys, 0);
    },
  };
}
