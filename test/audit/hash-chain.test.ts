import { canonicalJson } from '../../src/common/canonical-json';
import { canonicalEventText, ChainVerifier, eventHash, GENESIS_HASH, payloadDigest } from '../../src/audit/hash-chain';

const event = {
  seq: 1,
  at: '2008-10-23T17:00:00.000Z',
  actor: 'U1 "quoted"',
  type: 'x.y',
  stream: 'decision:ms08-067',
  payloadJson: canonicalJson({ b: 1, a: 'ü<>' }),
};

describe('hash chain', () => {
  it('hashes exactly the canonical JSON of the header with the payload digest', () => {
    const { payloadJson, ...rest } = event;
    const header = { ...rest, payloadSha256: payloadDigest(payloadJson) };
    expect(canonicalEventText(header)).toBe(canonicalJson(header));
  });

  it('verifies a redacted link (header and payload digest only) like a full one', () => {
    const hash = eventHash(GENESIS_HASH, event);
    const full = new ChainVerifier({ seq: 1 });
    expect(full.add({ ...event, prevHash: GENESIS_HASH, hash })).toBe(true);
    const redacted = new ChainVerifier({ seq: 1 });
    const { payloadJson, ...rest } = event;
    expect(redacted.addHeader({ ...rest, payloadSha256: payloadDigest(payloadJson) }, GENESIS_HASH, hash)).toBe(true);
    expect(redacted.result()).toEqual(full.result());
    const forged = new ChainVerifier({ seq: 1 });
    expect(forged.addHeader({ ...rest, payloadSha256: payloadDigest('{"a":"changed"}') }, GENESIS_HASH, hash)).toBe(
      false,
    );
  });
});
