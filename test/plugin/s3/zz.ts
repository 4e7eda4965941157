import { startSwift } from '../../support/swift/server.ts';
import { adminClient, seedBucket, listKeys } from '../../support/swift/seed.ts';
for (let i = 0; i < 3; i++) {
const t0 = Date.now();
const s = await startSwift({ accounts: [{ account: 'teama', user: 'alice', secret: 'team-a-secret' }] });
const t1 = Date.now();
const c = adminClient(s, 'teama', 'alice'); await seedBucket(c, 'bkt', { k: 'v' }); const keys = await listKeys(c, 'bkt'); c.destroy();
console.log('start', t1 - t0, 'first ops', Date.now() - t1, keys);
await s.stop();
}
