import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Placeholder so the "New channel" button has somewhere to go until the channel editor lands. */
@Component({
  selector: 'app-channel-new',
  imports: [RouterLink],
  template: `
    <p class="breadcrumb"><a routerLink="/channels">← Channels</a></p>
    <h1>New channel</h1>
    <p class="muted" data-testid="channel-new-placeholder">The channel editor is not available in this version yet.</p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChannelNewComponent {}
