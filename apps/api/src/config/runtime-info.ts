/** Facts about this running instance that are not configuration. */
export interface RuntimeInfo {
  version: string;
  embeddedDatabase: boolean;
}

export const RUNTIME_INFO = Symbol('RUNTIME_INFO');
