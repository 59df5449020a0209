import type { Router } from '@angular/router';
import type { SessionService } from './session.service';

/**
 * What a 401 from the API leads to wherever it came from (HttpClient, the preview player): the
 * session ends and the login page says why, then brings the operator back to the same page. The
 * server's reason (e.g. "API token is unknown, revoked or expired") stays in memory, not in the URL,
 * so a crafted link cannot put words on the login page.
 */
export function expireSession(session: SessionService, router: Router, reason: string | null = null): void {
  session.end(reason);
  const returnUrl = router.url.startsWith('/login') ? undefined : router.url;
  void router.navigate(['/login'], { queryParams: { expired: 1, returnUrl } });
}
