/**
 * The resolved colour of a CSS custom property at `host`. Canvas (uPlot) cannot parse var() or
 * light-dark(), so a hidden probe element lets the browser resolve it for the current theme.
 */
export function cssColor(host: HTMLElement, variable: string, fallback: string): string {
  const probe = host.ownerDocument.createElement('span');
  probe.style.color = `var(${variable}, ${fallback})`;
  probe.style.display = 'none';
  host.appendChild(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color || fallback;
}
