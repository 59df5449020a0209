import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** One shared 1 Hz tick for countdowns and "for 2 m 05 s" texts, instead of a timer per row. */
@Injectable({ providedIn: 'root' })
export class ClockService {
  private readonly tick = signal(Date.now());
  readonly now = this.tick.asReadonly();

  constructor() {
    const timer = setInterval(() => this.tick.set(Date.now()), 1000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
