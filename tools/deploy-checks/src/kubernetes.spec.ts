import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { configVariables, unknownNames } from './env-vars.js';
import { appEnvNames, kustomizationResources, parseManifests, ruleProblems, schemaProblems, type Json, type Manifest } from './kubernetes.js';
import { packageVersion, readRepoFile, repoPath } from './repo.js';

const options = { appImage: 'medialive-distributor', appTag: packageVersion(), minGraceSeconds: 40 };

describe('k8s/ manifests', () => {
  const kustomization = kustomizationResources(readRepoFile('k8s/kustomization.yaml'));
  const listed: Manifest[] = kustomization.resources.flatMap((file) => parseManifests(file, readRepoFile('k8s', file)));

  it('kustomization.yaml lists existing local files and leaves the example Secret out', () => {
    assert.deepEqual(kustomization.problems, []);
    for (const file of kustomization.resources) assert.ok(existsSync(repoPath('k8s', file)), `k8s/${file} is listed but missing`);
    assert.ok(!kustomization.resources.includes('secret.example.yaml'));
    assert.ok(existsSync(repoPath('k8s/secret.example.yaml')));
  });

  it('every listed object validates against the Kubernetes schemas', () => {
    assert.ok(listed.length >= 6, `only ${listed.length} objects`);
    assert.deepEqual(listed.flatMap(schemaProblems), []);
  });

  it('follows our rules: host network, a pinned DaemonSet rolled one machine at a time with a disruption budget, probes, resources, grace period, non-root, no inline secrets', () => {
    assert.deepEqual(ruleProblems(listed, options), []);
  });

  it('has the pieces the guide describes: Namespace, ConfigMap, Service, PostgreSQL StatefulSet with a claim and headless Service', () => {
    const kinds = listed.map((m) => `${String(m.doc.kind)}/${String((m.doc.metadata as Json).name)}`);
    for (const expected of ['Namespace/medialive-distributor', 'ConfigMap/medialive-distributor', 'DaemonSet/medialive-distributor', 'PodDisruptionBudget/medialive-distributor', 'Service/medialive-distributor', 'StatefulSet/postgres', 'Service/postgres']) {
      assert.ok(kinds.includes(expected), `${expected} missing (have ${kinds.join(', ')})`);
    }
    const postgres = listed.find((m) => m.doc.kind === 'StatefulSet')!.doc.spec as Json;
    assert.equal(postgres.serviceName, 'postgres');
    assert.equal((postgres.volumeClaimTemplates as unknown[]).length, 1);
    const headless = listed.find((m) => m.doc.kind === 'Service' && (m.doc.metadata as Json).name === 'postgres')!.doc.spec as Json;
    assert.equal(headless.clusterIP, 'None');
  });

  it('sets only variables the service reads (ConfigMap keys and container env)', () => {
    const known = configVariables(readRepoFile('apps/api/src/config/app-config.ts'));
    const configMap = listed.find((m) => m.doc.kind === 'ConfigMap')!;
    assert.deepEqual(unknownNames('k8s ConfigMap', Object.keys(configMap.doc.data as Json), known), []);
    assert.deepEqual(unknownNames('k8s Deployment env', appEnvNames(listed, options.appImage), known), []);
  });

  it('secret.example.yaml validates and holds placeholders only', () => {
    const examples = parseManifests('secret.example.yaml', readRepoFile('k8s/secret.example.yaml'));
    assert.deepEqual(examples.flatMap(schemaProblems), []);
    for (const m of examples) {
      assert.equal(m.doc.kind, 'Secret');
      for (const [key, value] of Object.entries({ ...((m.doc.stringData ?? {}) as Json), ...((m.doc.data ?? {}) as Json) })) {
        if (key === 'ADMIN_USERNAME') continue;
        assert.match(String(value), /CHANGE-ME/, `${key} in secret.example.yaml must be a CHANGE-ME placeholder`);
      }
    }
  });
});

describe('the Kubernetes checks catch what they are for', () => {
  const bad = parseManifests(
    'bad.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  replicas: 2
  selector: { matchLabels: { a: b } }
  template:
    metadata: { labels: { a: b } }
    spec:
      terminationGracePeriodSeconds: 30
      containers:
        - name: app
          image: medialive-distributor:latest
          env:
            - { name: JWT_SECRET, value: inline }
            - { name: EXTRA, value: "postgres://u:p@db/x" }
          ports: [{ containerPort: "8000" }]
---
apiVersion: v1
kind: Secret
metadata: { name: s }
stringData: { JWT_SECRET: x }
`,
  );

  it('reports schema violations', () => {
    assert.match(schemaProblems(bad[0]!).join('\n'), /containerPort must be integer/);
    assert.match(schemaProblems({ file: 'x', doc: { apiVersion: 'example.com/v1', kind: 'Thing' } }).join('\n'), /no Kubernetes schema/);
  });

  it('reports every broken rule', () => {
    const problems = ruleProblems(bad, options).join('\n');
    for (const expected of [
      /hostNetwork must be true/,
      /dnsPolicy must be ClusterFirstWithHostNet/,
      /run the service as a DaemonSet/,
      /should be tagged with the package.json version/,
      /terminationGracePeriodSeconds must be >= 40/,
      /must carry an explicit tag other than latest/,
      /livenessProbe missing/,
      /readinessProbe missing/,
      /resources.limits.memory missing/,
      /runAsNonRoot must be true/,
      /allowPrivilegeEscalation must be false/,
      /capabilities must drop ALL/,
      /JWT_SECRET has an inline value/,
      /EXTRA holds a URL with credentials/,
      /Secrets are created out of band/,
    ]) {
      assert.match(problems, expected);
    }
  });

  it('a DaemonSet needs a node selector, a one-at-a-time rollout and a PodDisruptionBudget', () => {
    const daemonSet = parseManifests(
      'ds.yaml',
      `apiVersion: apps/v1
kind: DaemonSet
metadata: { name: app }
spec:
  selector: { matchLabels: { a: b } }
  updateStrategy: { type: RollingUpdate, rollingUpdate: { maxUnavailable: 2 } }
  template:
    metadata: { labels: { a: b } }
    spec:
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      containers: [{ name: app, image: medialive-distributor:1.0.0 }]
`,
    );
    const problems = ruleProblems(daemonSet, options).join('\n');
    assert.match(problems, /must be pinned with a nodeSelector/);
    assert.match(problems, /maxUnavailable 1, maxSurge 0/);
    assert.match(problems, /needs a PodDisruptionBudget/);
  });

  it('reports a YAML syntax error with the file name', () => {
    assert.throws(() => parseManifests('broken.yaml', 'a: [1, 2\nb: c'), /broken\.yaml/);
  });
});
