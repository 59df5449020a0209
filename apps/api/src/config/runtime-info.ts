/** Facts about this running instance that are not configuration. */
export interface RuntimeInfo {
  version: string;
  /** process.versions.node of the running service. */
  nodeVersion: string;
  embeddedDatabase: boolean;
}

export const RUNTIME_INFO = Symbol('RUNTIME_INFO');
