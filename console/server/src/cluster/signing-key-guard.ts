import type { StoreRepositories } from '../store/store';

/** Settings entry holding the fingerprint of the key the console's nodes sign with. */
export const CLUSTER_SIGNING_KEY_SETTING = 'cluster.signingKeyId';

/**
 * Every node sharing a database must sign with the same key: agents pin one key at enrollment and
 * refuse policies signed by any other. The first node records its key's fingerprint; a node that
 * starts with a different key (a forgotten copy of keys/signing.pem made it create a fresh one)
 * refuses to start instead of handing agents policies they would reject.
 */
export async function checkClusterSigningKey(store: Pick<StoreRepositories, 'settings'>, keyId: string): Promise<void> {
  const recorded = await store.settings.get(CLUSTER_SIGNING_KEY_SETTING);
  if (recorded === undefined) {
    await store.settings.set(CLUSTER_SIGNING_KEY_SETTING, keyId);
    return;
  }
  if (recorded !== keyId) {
    throw new Error(
      `this node's signing key ${keyId} is not the one the other nodes of this database use (${String(recorded)}): ` +
        'copy DATA_DIR/keys/signing.pem from a running node before starting this one (see docs/OPERATIONS-CLUSTER.md)',
    );
  }
}
