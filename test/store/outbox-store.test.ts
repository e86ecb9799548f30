import Database from 'better-sqlite3';
import { openDatabase } from '../../src/store/open-database';
import { OutboxStore } from '../../src/store/outbox-store';
import { tempDbPath } from '../helpers/run-patchcall';

describe('the outbox coordination tables', () => {
  it('leases a decision to one worker of several processes until it releases or the lease expires', () => {
    const path = tempDbPath();
    const [a, b] = [openDatabase(path), openDatabase(path)];
    try {
      const [one, two] = [new OutboxStore(a), new OutboxStore(b)];
      expect(one.lease('decision:X', 'worker-1', 1000, 500)).toBe(true);
      expect(two.lease('decision:X', 'worker-2', 1200, 500)).toBe(false);
      expect(one.lease('decision:X', 'worker-1', 1300, 500)).toBe(true); // renewed to 1800
      expect(two.lease('decision:X', 'worker-2', 1700, 500)).toBe(false);
      expect(two.lease('decision:X', 'worker-2', 1800, 500)).toBe(true); // expired: taken over
      expect(one.lease('decision:X', 'worker-1', 1900, 500)).toBe(false);
      two.release('decision:X', 'worker-2');
      expect(one.lease('decision:X', 'worker-1', 1950, 500)).toBe(true);
      one.close();
      two.close();
    } finally {
      a.close();
      b.close();
    }
  });

  it('never lowers the card version Slack acknowledged', () => {
    const db: Database.Database = openDatabase(':memory:');
    const store = new OutboxStore(db);
    store.recordCardVersion('X', '1.0001', 7, new Date());
    store.recordCardVersion('X', '1.0001', 5, new Date());
    expect(store.sentCardVersion('X', '1.0001')).toBe(7);
    db.close();
  });
});
