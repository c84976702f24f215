/**
 * The error catalog against what it describes: the state machine's Retry lists (the ASL stays the one
 * description of the flow, so a disagreement fails here rather than being regenerated), the error
 * classes, the redrive advice and the runbook's generated table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AslMachine } from '../../lib/diagram/mermaid';
import * as errors from '../../lib/release/errors';
import * as rolloutErrors from '../../lib/release/rollout/errors';
import * as sbomErrors from '../../lib/release/sbom/errors';
import * as rollbackErrors from '../../lib/release/rollback/errors';
import { type CatalogErrorName, catalogEntry, ERROR_CATALOG, type ErrorEntry, matchedNames, POLL_ERROR_NAMES, RETRYABLE_ERROR_NAMES, TERMINAL_ERROR_NAMES } from '../../lib/release/errors-catalog';
import { redriveAdvice } from '../../lib/release/redrive-policy';
import { aslRetriers, ERRORS_END, ERRORS_START } from '../../scripts/docs/errors-table';

const machine = JSON.parse(readFileSync(new URL('../../statemachines/release.asl.json', import.meta.url), 'utf8')) as AslMachine;
const runbook = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');
const rows = Object.entries(ERROR_CATALOG) as [CatalogErrorName, ErrorEntry][];
const retriedInAsl = new Set(aslRetriers(machine).flatMap(({ retrier }) => retrier.ErrorEquals));

describe('lib/release/errors-catalog.ts against statemachines/release.asl.json', () => {
  it('every name a Retry lists has a catalog row that says it is retried', () => {
    for (const name of retriedInAsl) {
      const entry = catalogEntry(name);
      expect(entry, `the ASL retries ${name}, which the catalog does not list: add a row`).toBeDefined();
      expect(entry!.retried, `the ASL retries ${name}; the catalog says it is not retried`).toBe(true);
    }
  });

  it.each(rows.map(([name]) => name))('%s: retried in the ASL exactly when the catalog says so', (name) => {
    for (const n of matchedNames(name)) expect(retriedInAsl.has(n), `${n}: catalog retried=${ERROR_CATALOG[name].retried}`).toBe(ERROR_CATALOG[name].retried);
  });

  it('each poll is retried on its own, and only retried names poll', () => {
    for (const name of Object.keys(POLL_ERROR_NAMES)) {
      const own = aslRetriers(machine).filter(({ retrier }) => retrier.ErrorEquals.includes(name));
      expect(own.length, name).toBeGreaterThan(0);
      for (const { retrier } of own) expect(retrier.ErrorEquals).toEqual([name]);
      expect(RETRYABLE_ERROR_NAMES).toContain(name);
    }
  });

  it('splits the step errors into retryable and terminal, with nothing left over', () => {
    const steps = rows.filter(([, e]) => e.raisedBy === 'step').map(([n]) => n);
    expect([...RETRYABLE_ERROR_NAMES, ...TERMINAL_ERROR_NAMES].sort()).toEqual([...steps].sort());
    expect(RETRYABLE_ERROR_NAMES).toEqual(expect.arrayContaining(['TransientAwsError', 'OpenSearchNotReady']));
    expect(TERMINAL_ERROR_NAMES).toEqual(expect.arrayContaining(['InvalidRelease', 'VersionConflict']));
  });
});

describe('what the catalog derives', () => {
  /** Exported subclasses of ReleaseError, by export name, with an instance (every constructor takes strings). */
  // A capability's errors live in its own room (lib/release/<capability>/errors.ts), on the same base.
  const classes = [...Object.entries(errors), ...Object.entries(rolloutErrors), ...Object.entries(sbomErrors), ...Object.entries(rollbackErrors)]
    .filter(([, v]) => typeof v === 'function' && v.prototype instanceof errors.ReleaseError)
    .map(([exported, cls]) => ({ exported, instance: Reflect.construct(cls as new (...a: unknown[]) => errors.ReleaseError, ['a', 'b', undefined, 'd']) }));

  it('one error class per step row, named as the row, retryable as the catalog says', () => {
    for (const { exported, instance } of classes) expect(instance.name, exported).toBe(exported);
    const steps = rows.filter(([, e]) => e.raisedBy === 'step').map(([n]) => n);
    expect(classes.map((c) => c.exported).sort()).toEqual([...steps].sort());
    expect(new errors.TransientAwsError('x').retryable).toBe(true);
    expect(new errors.InvalidRelease('x', 'field')).toMatchObject({ name: 'InvalidRelease', retryable: false, message: 'field: x' });
    expect(new errors.OpenSearchPackageLocked('x')).toMatchObject({ name: 'OpenSearchPackageLocked', retryable: true });
  });

  it.each(rows.map(([name]) => name))('%s: the redrive advice is the row\'s, for each name it covers', (name) => {
    const { redrivable, action } = ERROR_CATALOG[name];
    for (const n of matchedNames(name)) expect(redriveAdvice(n)).toEqual({ redrivable, action });
  });

  it('advises a redrive for a name the catalog does not know', () => {
    expect(redriveAdvice('Sandbox.Timedout')).toMatchObject({ redrivable: true });
    expect(redriveAdvice(undefined)).toMatchObject({ redrivable: true });
  });

  it('the runbook carries the generated table, one row per catalog entry in catalog order', () => {
    const from = runbook.indexOf(ERRORS_START);
    const to = runbook.indexOf(ERRORS_END);
    expect(from, `docs/runbook.md lacks ${ERRORS_START}`).toBeGreaterThanOrEqual(0);
    const table = runbook.slice(from, to);
    const names = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(names).toEqual(rows.map(([n]) => n));
  });
});
