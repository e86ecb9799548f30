/**
 * The application boundary on a PostgreSQL replica: the same use cases as `openPatchcall`, bound to the replica's
 * local copy of the log (src/app/replica-store.ts), with the writes an edge awaits sent through PostgreSQL and the
 * Slack outbox nudged by what other replicas append.
 */
import type { AnchorRequestedPayload } from '../audit/record-effects';
import type { ConfirmResult } from './confirm-call';
import type { recordProviderAnswer } from './provider-requests';
import type { checkPositionAllowed } from './decision-positions';
import { recordPosition } from './decision-positions';
import type { checkCallAllowed } from './decision-call';
import type { changeRole } from './roles-roster';
import { decisionStream } from '../decisions/decision-model';
import { patchcallOver, type Patchcall, type PatchcallOptions } from './patchcall';
import { ReplicaStore, type ReplicaOptions } from './replica-store';

export interface ReplicaPatchcall {
  patchcall: Patchcall;
  replica: ReplicaStore;
  /** Stops following, closes the pool and the local copy (deleted when it was a temp file). */
  close(): Promise<void>;
}

export async function openReplicaPatchcall(options: ReplicaOptions & PatchcallOptions): Promise<ReplicaPatchcall> {
  const replica = await ReplicaStore.open(options);
  const base = patchcallOver(replica.ctx, options);
  const patchcall: Patchcall = {
    ...base,
    // the synchronous use case: a PostgreSQL write groups concurrent writes on its own
    recordPosition: (...args) => replica.write(() => recordPosition(replica.ctx, ...args)),
    // a refused attempt is on the record: the gate goes to PostgreSQL only when it appends
    checkPositionAllowed: (...args) =>
      replica.write(() => base.checkPositionAllowed(...args) as ReturnType<typeof checkPositionAllowed>, {
        probeFirst: true,
      }),
    checkCallAllowed: (...args) =>
      replica.write(() => base.checkCallAllowed(...args) as ReturnType<typeof checkCallAllowed>, { probeFirst: true }),
    makeCall: (...args) =>
      replica.write(() => base.makeCall(...args) as Exclude<ReturnType<Patchcall['makeCall']>, Promise<unknown>>),
    requestAnchor: (...args) => replica.write(() => base.requestAnchor(...args) as AnchorRequestedPayload | undefined),
    recordProviderAnswer: (...args) =>
      replica.write(() => base.recordProviderAnswer(...args) as ReturnType<typeof recordProviderAnswer>),
    confirmCall: (...args) => replica.write(() => base.confirmCall(...args) as ConfirmResult),
    changeRole: (...args) => replica.write(() => base.changeRole(...args) as ReturnType<typeof changeRole>),
    slackOutbox: (slack, outboxOptions) => {
      const outbox = base.slackOutbox(slack, outboxOptions);
      // another replica's append: the holder of the decision's lease (maybe this one) brings Slack up to date
      replica.onApplied((events) => {
        const prefix = decisionStream('');
        for (const stream of new Set(events.map((event) => event.stream)))
          if (stream.startsWith(prefix)) outbox.nudge(stream.slice(prefix.length));
      });
      return outbox;
    },
    storeReady: () => replica.ready(),
    close: () => void replica.close(),
  };
  return { patchcall, replica, close: () => replica.close() };
}
