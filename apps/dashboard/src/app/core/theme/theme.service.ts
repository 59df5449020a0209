import { DOCUMENT } from '@angular/common';
import { computed, effect, Injectable, inject, signal } from '@angular/core';

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'mld.theme';
const NEXT: Readonly<Record<ThemeChoice, ThemeChoice>> = { system: 'light', light: 'dark', dark: 'system' };

/**
 * Light, dark, or whatever the OS says. Colours are light-dark() pairs in the stylesheet, so
 * choosing only sets html[data-theme]; `dark()` is for canvas charts, which cannot read CSS.
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly document = inject(DOCUMENT);
  private readonly media = this.document.defaultView?.matchMedia?.('(prefers-color-scheme: dark)') ?? null;
  private readonly osDark = signal(this.media?.matches ?? false);

  readonly choice = signal<ThemeChoice>(this.read());
  readonly dark = computed(() => (this.choice() === 'system' ? this.osDark() : this.choice() === 'dark'));

  constructor() {
    this.media?.addEventListener('change', (e) => this.osDark.set(e.matches));
    effect(() => {
      const choice = this.choice();
      const root = this.document.documentElement;
      if (choice === 'system') root.removeAttribute('data-theme');
      else root.setAttribute('data-theme', choice);
      try {
        this.document.defaultView?.localStorage.setItem(KEY, choice);
      } catch {
        // Storage disabled: the choice lasts until reload.
      }
    });
  }

  cycle(): void {
    this.choice.update((c) => NEXT[c]);
  }

  private read(): ThemeChoice {
    try {
      const v = this.document.defaultView?.localStorage.getItem(KEY);
      return v === 'light' || v === 'dark' ? v : 'system';
    } catch {
      return 'system';
    }
  }
}
