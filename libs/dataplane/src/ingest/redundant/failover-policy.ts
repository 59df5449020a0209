// Which input should be on air, as a pure function of time and both inputs' health (ADR 0013).
// The policy decides; the switcher carries the decision out (at once, or at the target's next
// random-access point) and reports back with switched(). Order (an operator's force) is kept
// apart from state (which input is on air).
import type { FailoverSettings, InputRole, InputSwitch } from '../../types.js';
import type { InputHealth } from './input-monitor.js';

export interface SwitchDecision {
  to: InputRole;
  /** emergency: the active input failed, cut now; planned: wait for the target's random-access point. */
  kind: 'emergency' | 'planned';
  cause: InputSwitch['cause'];
  reason: string;
}

export type HealthOf = Record<InputRole, InputHealth>;

const other = (r: InputRole): InputRole => (r === 'main' ? 'backup' : 'main');

function describe(role: InputRole, h: InputHealth, now: number): string {
  const ms = Math.max(0, Math.round(now - h.since));
  switch (h.fault) {
    case 'no_data':
      return `${role}: no data for ${ms} ms`;
    case 'sync_loss':
      return `${role}: TS sync lost for ${ms} ms`;
    case 'pat_missing':
      return `${role}: no PAT for ${ms + 500} ms`;
    case 'pmt_missing':
      return `${role}: no PMT for ${ms + 500} ms`;
    case 'video_missing':
      return `${role}: video PID silent for ${ms} ms`;
    default:
      return `${role}: healthy`;
  }
}

export class FailoverPolicy {
  private activeRole: InputRole = 'main';
  private forcedRole: InputRole | null = null;
  private readonly healthySinceOf: Record<InputRole, number | null> = { main: null, backup: null };

  constructor(private readonly settings: FailoverSettings) {
    if (!(settings.lossMs > 0) || !(settings.restoreMs >= 0)) throw new RangeError('lossMs must be positive and restoreMs not negative');
  }

  get active(): InputRole {
    return this.activeRole;
  }

  get forced(): InputRole | null {
    return this.forcedRole;
  }

  /** Since when `role` has been healthy without a break, as evaluate() saw it; null when it is not. */
  healthySince(role: InputRole): number | null {
    return this.healthySinceOf[role];
  }

  /** An operator pins an input on air, or gives the choice back to the policy. */
  force(to: InputRole | 'auto'): void {
    this.forcedRole = to === 'auto' ? null : to;
  }

  /** The switcher put `to` on air. */
  switched(to: InputRole): void {
    this.activeRole = to;
  }

  /**
   * What should happen now: null to stay, else the switch to make. Called on every tick; the
   * same decision comes back until it is carried out or no longer holds.
   */
  evaluate(now: number, health: HealthOf): SwitchDecision | null {
    for (const role of ['main', 'backup'] as const) {
      if (health[role].fault !== null) this.healthySinceOf[role] = null;
      else this.healthySinceOf[role] ??= now;
    }
    const active = this.activeRole;
    const standby = other(active);
    const a = health[active];
    const b = health[standby];

    if (this.forcedRole !== null) {
      if (this.forcedRole === active) return null;
      // Pinned by an operator: no automatic switch either way. Cutting at once only if the
      // current input is already gone anyway.
      const kind = a.failed ? 'emergency' : 'planned';
      return b.usable ? { to: standby, kind, cause: 'forced', reason: `operator forced ${standby}` } : null;
    }
    if (a.failed) {
      const standbyHealthy = b.usable && b.fault === null;
      // Something beats nothing: a standby with a priority-1 fault that still carries the
      // programme (no PAT, a silent video PID) is better than silence; lost sync is not.
      const betterThanNothing = a.fault === 'no_data' && b.usable && b.fault !== 'sync_loss';
      if (standbyHealthy || betterThanNothing) return { to: standby, kind: 'emergency', cause: 'failover', reason: describe(active, a, now) };
      return null;
    }
    if (this.settings.prefer === 'main' && active === 'backup') {
      const since = this.healthySinceOf.main;
      if (since !== null && b.usable && now - since >= this.settings.restoreMs) {
        return { to: 'main', kind: 'planned', cause: 'restored', reason: `main healthy for ${Math.round(now - since)} ms` };
      }
    }
    return null;
  }
}
