/** The channel a decision meets in, named from its bulletin under Slack's rules (lowercase, digits, - and _, ≤ 80). */

const MAX_LENGTH = 80;

/** `patch-ms08-067`; attempt 2 and later add `-2`, `-3`… while keeping within the length limit. */
export function channelNameFor(bulletinId: string, attempt = 1): string {
  const slug = bulletinId
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const suffix = attempt > 1 ? `-${attempt}` : '';
  const base = `patch-${slug || 'bulletin'}`;
  return base.slice(0, MAX_LENGTH - suffix.length).replace(/[-_]+$/, '') + suffix;
}
