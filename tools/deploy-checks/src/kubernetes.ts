/**
 * k8s/ checks: every manifest parses, validates against the Kubernetes OpenAPI schemas
 * (kubernetes-models), and follows our rules for a host-networked media service.
 */
import { createRequire } from 'node:module';
import { parseAllDocuments } from 'yaml';
import { isPinnedImage } from './dockerfile.js';

export type Json = Record<string, unknown>;

export interface Manifest {
  file: string;
  doc: Json;
}

/** Parses a multi-document YAML file; throws with the file name on a syntax error. */
export function parseManifests(file: string, text: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    const doc = document.toJS() as unknown;
    if (doc === null || doc === undefined) continue;
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file}: a document is not a mapping`);
    manifests.push({ file, doc: doc as Json });
  }
  return manifests;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const loadModel = createRequire(import.meta.url);

/** Schema problems of one object, via the kubernetes-models class for its apiVersion and kind. */
export function schemaProblems(manifest: Manifest): string[] {
  const { apiVersion, kind } = manifest.doc;
  const where = `${manifest.file} ${String(kind)}/${String(name(manifest.doc))}`;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [`${where}: apiVersion and kind are required`];
  let Model: ModelClass | undefined;
  try {
    Model = (loadModel(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass | undefined>)[kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${where}: no Kubernetes schema for ${apiVersion} ${kind}`];
  try {
    new Model(manifest.doc).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

function name(doc: Json): unknown {
  return (doc.metadata as Json | undefined)?.name;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

interface Workload {
  where: string;
  kind: string;
  doc: Json;
  pod: Json;
}

function workloads(manifests: Manifest[]): Workload[] {
  return manifests
    .filter((m) => WORKLOAD_KINDS.has(String(m.doc.kind)))
    .map((m) => {
      const kind = String(m.doc.kind);
      const spec = (m.doc.spec ?? {}) as Json;
      let pod: Json;
      if (kind === 'Pod') pod = spec;
      else if (kind === 'CronJob') pod = (((spec.jobTemplate as Json | undefined)?.spec as Json | undefined)?.template as Json | undefined)?.spec as Json;
      else pod = (spec.template as Json | undefined)?.spec as Json;
      return { where: `${m.file} ${kind}/${String(name(m.doc))}`, kind, doc: m.doc, pod: pod ?? {} };
    });
}

function containers(pod: Json): Json[] {
  return [...((pod.initContainers as Json[] | undefined) ?? []), ...((pod.containers as Json[] | undefined) ?? [])];
}

const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|API_KEY|CREDENTIAL|DATABASE_URL/i;
const CREDENTIAL_URL = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

export interface RuleOptions {
  /** Image repository of our service (the workload that needs host networking). */
  appImage: string;
  /** Expected tag of that image: the package.json version. */
  appTag: string;
  /** Smallest acceptable terminationGracePeriodSeconds. */
  minGraceSeconds: number;
}

/** Our rules over every object listed by kustomization.yaml. */
export function ruleProblems(manifests: Manifest[], options: RuleOptions): string[] {
  const problems: string[] = [];
  const all = workloads(manifests);
  const app = all.filter((w) => containers(w.pod).some((c) => String(c.image).split(':')[0] === options.appImage));
  if (app.length !== 1) problems.push(`expected exactly one workload running ${options.appImage}, found ${app.length}`);

  for (const w of app) {
    if (w.pod.hostNetwork !== true) problems.push(`${w.where}: hostNetwork must be true (MediaLive sends to the node's address)`);
    if (w.pod.dnsPolicy !== 'ClusterFirstWithHostNet') problems.push(`${w.where}: dnsPolicy must be ClusterFirstWithHostNet with hostNetwork`);
    const spec = w.doc.spec as Json;
    if (w.kind === 'DaemonSet') {
      if (!w.pod.nodeSelector) problems.push(`${w.where}: a DaemonSet must be pinned with a nodeSelector (the machines inputs are sent to)`);
      const rolling = ((spec.updateStrategy as Json | undefined)?.rollingUpdate ?? {}) as Json;
      if (rolling.maxUnavailable !== 1 || (rolling.maxSurge ?? 0) !== 0) problems.push(`${w.where}: updateStrategy.rollingUpdate must be maxUnavailable 1, maxSurge 0 (one machine at a time; two pods must never share a machine's host ports)`);
      const selector = ((spec.selector as Json | undefined)?.matchLabels ?? {}) as Json;
      const budget = manifests.find((m) => m.doc.kind === 'PodDisruptionBudget' && JSON.stringify(((m.doc.spec as Json).selector as Json | undefined)?.matchLabels) === JSON.stringify(selector));
      if (!budget) problems.push(`${w.where}: needs a PodDisruptionBudget selecting its pods (one node of the service down at a time)`);
    } else {
      problems.push(`${w.where}: run the service as a DaemonSet, one node of it per machine (docs/multi-node.md)`);
    }
    for (const c of containers(w.pod)) {
      const image = String(c.image);
      if (image.split(':')[0] === options.appImage && image !== `${options.appImage}:${options.appTag}`) {
        problems.push(`${w.where}: image ${image} should be tagged with the package.json version (${options.appImage}:${options.appTag})`);
      }
    }
  }

  for (const w of all) {
    const grace = w.pod.terminationGracePeriodSeconds;
    if (typeof grace !== 'number' || grace < options.minGraceSeconds) problems.push(`${w.where}: terminationGracePeriodSeconds must be >= ${options.minGraceSeconds} (got ${String(grace)})`);
    const podSecurity = (w.pod.securityContext ?? {}) as Json;
    for (const c of containers(w.pod)) {
      const where = `${w.where} container ${String(c.name)}`;
      const image = String(c.image ?? '');
      if (!isPinnedImage(image)) problems.push(`${where}: image "${image}" must carry an explicit tag other than latest`);
      if (!c.livenessProbe) problems.push(`${where}: livenessProbe missing`);
      if (!c.readinessProbe) problems.push(`${where}: readinessProbe missing`);
      const resources = (c.resources ?? {}) as Json;
      for (const kind of ['requests', 'limits']) {
        const values = (resources[kind] ?? {}) as Json;
        for (const r of ['cpu', 'memory']) if (values[r] === undefined) problems.push(`${where}: resources.${kind}.${r} missing`);
      }
      const security = (c.securityContext ?? {}) as Json;
      if (security.runAsNonRoot !== true && podSecurity.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot must be true`);
      if (security.runAsUser === 0 || (security.runAsUser === undefined && podSecurity.runAsUser === 0)) problems.push(`${where}: runs as uid 0`);
      if (security.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
      if (security.privileged === true) problems.push(`${where}: must not be privileged`);
      const drop = ((security.capabilities as Json | undefined)?.drop as string[] | undefined) ?? [];
      if (!drop.includes('ALL')) problems.push(`${where}: capabilities must drop ALL`);
      for (const env of (c.env as Json[] | undefined) ?? []) {
        if (SECRET_NAME.test(String(env.name)) && env.value !== undefined) problems.push(`${where}: ${String(env.name)} has an inline value: reference a Secret (valueFrom.secretKeyRef)`);
        if (typeof env.value === 'string' && CREDENTIAL_URL.test(env.value)) problems.push(`${where}: ${String(env.name)} holds a URL with credentials: reference a Secret`);
      }
    }
  }

  for (const m of manifests) {
    const where = `${m.file} ${String(m.doc.kind)}/${String(name(m.doc))}`;
    if (m.doc.kind === 'Secret') problems.push(`${where}: Secrets are created out of band (secret.example.yaml, kubectl create secret), never listed in kustomization.yaml`);
    if (m.doc.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries((m.doc.data ?? {}) as Json)) {
        if (SECRET_NAME.test(key)) problems.push(`${where}: ${key} looks secret: put it in the Secret`);
        if (typeof value === 'string' && CREDENTIAL_URL.test(value)) problems.push(`${where}: ${key} holds a URL with credentials`);
      }
    }
  }
  return problems;
}

/** Env names a workload's containers set directly (env[].name) for the service image. */
export function appEnvNames(manifests: Manifest[], appImage: string): string[] {
  return workloads(manifests)
    .flatMap((w) => containers(w.pod))
    .filter((c) => String(c.image).split(':')[0] === appImage)
    .flatMap((c) => ((c.env as Json[] | undefined) ?? []).map((e) => String(e.name)));
}

/** The `resources` of a kustomization, with problems for what we do not support. */
export function kustomizationResources(text: string): { resources: string[]; problems: string[] } {
  const [doc] = parseManifests('kustomization.yaml', text);
  const problems: string[] = [];
  const known = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'commonAnnotations', 'images']);
  for (const key of Object.keys(doc?.doc ?? {})) if (!known.has(key)) problems.push(`kustomization.yaml: unexpected key ${key}`);
  if (doc?.doc.kind !== 'Kustomization') problems.push('kustomization.yaml: kind must be Kustomization');
  const resources = ((doc?.doc.resources as unknown[] | undefined) ?? []).map(String);
  for (const r of resources) if (/^[a-z]+:\/\//.test(r) || r.includes('..')) problems.push(`kustomization.yaml: ${r} is not a local file of k8s/`);
  return { resources, problems };
}
