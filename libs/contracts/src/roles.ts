/** The three roles a user or API token can hold, least to most powerful. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/**
 * Everything a route can require. The API's global guard checks these; the dashboard uses
 * hasPermission() only to hide controls it knows the server would refuse.
 */
export const PERMISSIONS = [
  'channel.read',
  'channel.control', // start / stop a channel
  'channel.write', // create, edit, delete channels
  'output.read',
  'output.control', // start / stop / retry outputs
  'output.write', // add, edit, remove outputs
  'secret.read', // see stream keys and passphrases unmasked
  'user.read',
  'user.write',
  'token.read',
  'token.write',
  'audit.read',
  'event.read',
  'system.read',
  'system.write', // change node-wide settings such as /api/limits
  'medialive.read', // list / inspect / preflight AWS MediaLive channels
  'medialive.control', // start / stop AWS MediaLive channels
  'medialive.write', // link, fix destinations, create MediaLive inputs
  'media.read', // list the media library (files a channel can play)
  'media.write', // upload and delete media files
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['channel.read', 'output.read', 'event.read', 'system.read', 'medialive.read', 'media.read'];
const OPERATOR: readonly Permission[] = [
  ...VIEWER,
  'channel.control',
  'output.control',
  'output.write',
  'secret.read',
  'medialive.control',
];
const ADMIN: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(VIEWER),
  operator: new Set(OPERATOR),
  admin: new Set(ADMIN),
};

export function hasPermission(role: Role | undefined | null, permission: Permission): boolean {
  if (!role) return false;
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}
