import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject } from '@angular/core';
import { MatDialog } from '@angular/material/dialog';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { NotifyService } from '../core/notify.service';
import { PasswordDialogComponent } from './password-dialog.component';
import { LiveStateService } from '../core/live/live-state.service';
import { SessionService } from '../core/session/session.service';
import { ThemeService } from '../core/theme/theme.service';

/** The authenticated frame: top bar, the live connection's banner and the routed page. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './shell.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShellComponent {
  private readonly session = inject(SessionService);
  private readonly router = inject(Router);
  protected readonly live = inject(LiveStateService);
  protected readonly theme = inject(ThemeService);
  protected readonly user = this.session.user;
  protected readonly canAdminUsers = computed(() => this.session.can('user.read'));
  protected readonly canReadMedia = computed(() => this.session.can('media.read'));
  protected readonly canAdminTokens = computed(() => this.session.can('token.read'));
  protected readonly themeLabel = computed(() => ({ system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' })[this.theme.choice()]);

  constructor() {
    this.live.start();
    inject(DestroyRef).onDestroy(() => this.live.stop());
  }

  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  /** API tokens have no password; only logged-in users change theirs. */
  protected readonly canChangePassword = computed(() => this.user() !== null);

  protected changePassword(): void {
    this.dialog
      .open<PasswordDialogComponent, void, boolean>(PasswordDialogComponent, { width: '420px', maxWidth: '95vw' })
      .afterClosed()
      .subscribe((changed) => {
        if (!changed) return;
        // The API ended every session opened before the change, this one included.
        this.logout();
        this.notify.info('Password changed: log in with the new one');
      });
  }

  protected logout(): void {
    this.live.stop();
    this.session.end();
    void this.router.navigateByUrl('/login');
  }
}
