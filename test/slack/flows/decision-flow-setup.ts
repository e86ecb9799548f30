/** The harness with the bundled seed, the roster's people in the stand-in, and a hand-made assessment (see the seam). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readDocumentFile } from '../../../src/app/read-document';
import {
  startSlackHarness,
  type HarnessStore,
  type SlackHarness,
  type SlackHarnessOptions,
} from '../../helpers/slack-harness';
import type { PostgresFixture } from '../../helpers/postgres';
import { openAppContext } from '../../../src/app/app-context';
import type { EventFilter, StoredEvent } from '../../../src/store/event-log';
import { PEOPLE, sampleAssessment } from '../../decisions/sample-decision';
import { ActionIds, BlockIds, CallbackIds } from '../../../src/slack/action-ids';

export const ADMIN = 'U0ADMIN01';
const seedDir = join(__dirname, '../../../db/seed');

export async function startDecisionHarness(
  options: {
    clock?: () => Date;
    env?: NodeJS.ProcessEnv;
    anchorIntervalMs?: number;
    outbox?: SlackHarnessOptions['outbox'];
    groupAnswerTtlMs?: number;
    /** The assessment convening uses; the sample one unless a test needs another plan. */
    assess?: SlackHarnessOptions['assess'];
    store?: HarnessStore;
  } = {},
): Promise<SlackHarness> {
  const harness = await startSlackHarness({
    env: { PATCHCALL_ADMINS: ADMIN, ...options.env },
    ...(options.anchorIntervalMs ? { anchorIntervalMs: options.anchorIntervalMs } : {}),
    ...(options.outbox ? { outbox: options.outbox } : {}),
    ...(options.groupAnswerTtlMs !== undefined ? { groupAnswerTtlMs: options.groupAnswerTtlMs } : {}),
    logLevel: 'warn',
    ...(options.store ? { store: options.store } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    assess:
      options.assess ??
      (async (_ctx, bulletinId, now) => ({ ...sampleAssessment(), bulletinId, assessedAt: now.toISOString() })),
  });
  for (const file of readdirSync(seedDir)
    .filter((f) => !f.endsWith('.md'))
    .sort()) {
    await harness.patchcall.importDocuments([readDocumentFile(join(seedDir, file))], { actor: 'test' });
  }
  for (const [key, id] of Object.entries(PEOPLE)) harness.standIn.addUser({ id, name: key });
  harness.standIn.addUser({ id: ADMIN, name: 'admin' });
  harness.standIn.addUsergroup({
    id: 'S0SYSADMIN',
    handle: 'win-sysadmins',
    name: 'Windows sysadmins',
    users: [PEOPLE.sys1, PEOPLE.sys2],
  });
  return harness;
}

export const STORES = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORES)[number];

/** The store a flow runs on: SQLite alone, or a fresh PostgreSQL database the app joins as a replica. */
export async function storeFor(kind: StoreKind, postgres: PostgresFixture): Promise<HarnessStore> {
  return kind === 'postgres' ? { kind, url: await postgres.freshDatabase() } : { kind };
}

/**
 * The events as the store of truth holds them now, read on a connection of their own (the SQLite file, or
 * PostgreSQL): what survived a process killed with kill -9.
 */
export async function eventsInStore(h: SlackHarness, filter: EventFilter): Promise<StoredEvent[]> {
  if (h.store.kind === 'sqlite') {
    const ctx = openAppContext({ dbPath: h.dbPath });
    try {
      return [...ctx.events.read(filter)];
    } finally {
      ctx.close();
    }
  }
  const { openPostgresLog } = await import('../../../src/app/postgres-store');
  const store = await openPostgresLog(h.store.url, { poolSize: 1 });
  try {
    const events: StoredEvent[] = [];
    for await (const event of store.log.read(filter)) events.push(event);
    return events;
  } finally {
    await store.close();
  }
}

/** Waits until the stand-in has recorded a call matching the predicate (work after the ack is asynchronous). */
export async function eventually<T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The owner's call after the make-call button was pressed: waits for the call modal and submits it as the owner,
 * with a quorum override reason because these flows call before every role has spoken.
 */
export async function submitCallModal(
  h: SlackHarness,
  call: { outcome: string; rationale: string; override: string },
): Promise<void> {
  const modal = await eventually(
    () => h.standIn.calls('views.open').find((c) => JSON.stringify(c.args).includes(CallbackIds.call)),
    'the call modal',
  );
  await h.viewSubmission({
    callbackId: CallbackIds.call,
    viewId: 'V0CALL',
    privateMetadata: (modal.args.view as { private_metadata: string }).private_metadata,
    userId: PEOPLE.owner,
    values: {
      [BlockIds.outcome]: {
        [ActionIds.callOutcome]: { type: 'static_select', selected_option: { value: call.outcome } },
      },
      [BlockIds.rationale]: { [ActionIds.text]: { type: 'plain_text_input', value: call.rationale } },
      [BlockIds.override]: { [ActionIds.text]: { type: 'plain_text_input', value: call.override } },
    },
  });
}
