const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot exist: answer 404 without asking the database (which would fail the cast). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
