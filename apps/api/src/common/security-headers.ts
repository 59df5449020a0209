import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of the dashboard, the API and the Swagger UI: everything from this
 * origin only, nothing may frame us. Each relaxation is one the dashboard needs (checked in a real
 * browser by the dashboard e2e specs, which fail on any CSP report in the console):
 * - style-src 'unsafe-inline': Angular (component styles, animations) and Angular Material / CDK
 *   overlays insert <style> elements and style attributes at run time; Swagger UI's page has an
 *   inline <style>. Scripts stay strict ('self', no inline, no eval).
 * - img-src data:: Material and Swagger UI draw icons as data: SVGs; blob:: a channel's thumbnail is
 *   fetched with the bearer token and shown from a blob: URL.
 * - media-src / worker-src blob:: the hls.js preview plays through Media Source Extensions (a blob:
 *   URL on <video>) and may transmux in a Worker created from a blob: URL.
 * - connect-src 'self': REST, Socket.IO (ws:/wss: of the same host match 'self' in CSP 3) and HLS.
 * No upgrade-insecure-requests and no HSTS: the service is often reached over plain HTTP on a LAN,
 * and whether HTTPS is enforced belongs to the TLS proxy in front of it.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'media-src': ["'self'", 'blob:'],
  'worker-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/** Security headers for every HTTP response, written by helmet rather than by hand. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
    // Same-origin only anyway; COEP would also demand CORP headers on the HLS segments for nothing.
    crossOriginEmbedderPolicy: false,
  });
}

/** The same headers, for what Socket.IO answers itself (long-polling) outside Express. */
export const SOCKET_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};
