/** Whether the store answers, for `GET /healthz`. */
import type { AppContext } from './app-context';

export function storeAnswers(ctx: AppContext): boolean {
  try {
    ctx.db.prepare('SELECT 1').get();
    return true;
  } catch {
    return false;
  }
}
