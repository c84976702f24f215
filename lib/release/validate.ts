import { attributesByteSize, checkString, IOT, OPENSEARCH, type StringConstraint } from './constraints';
import { InvalidRelease } from './errors';
import type { ReleaseDraft } from './request';

/**
 * Checks the release fields against the API models before anything is written, so bad input fails
 * with one named error that says what to fix, instead of failing halfway through the AWS calls.
 */
export function validateReleaseFields(
  r: Pick<ReleaseDraft, 'packageName' | 'versionName' | 'description' | 'attributes' | 'tags' | 'recipe' | 'clientToken'> & { opensearchPackage: string },
): void {
  validateNames(r.packageName, r.versionName);
  if (r.description !== undefined) {
    check(r.description, IOT.description, 'description', 'description', 'remove control characters such as newlines and tabs');
  }
  if (r.recipe !== undefined) check(r.recipe, IOT.recipe, 'recipe', 'recipe');
  if (r.attributes) {
    for (const [k, v] of Object.entries(r.attributes)) {
      check(k, IOT.attributeKey, `attributes.${k}`, 'attribute key');
      check(v, IOT.attributeValue, `attributes.${k}`, 'attribute value', 'values must be non-empty with no control characters');
    }
    const size = attributesByteSize(r.attributes);
    if (size > IOT.attributesMaxBytes) {
      throw new InvalidRelease(
        `attributes total ${size} bytes; IoT allows at most ${IOT.attributesMaxBytes} bytes (3 KB) of keys and values together — move large data into the artifact`,
        'attributes',
      );
    }
  }
  if (r.tags) {
    const count = Object.keys(r.tags).length;
    if (count > IOT.tagCount.max) throw new InvalidRelease(`${count} tags given; at most ${IOT.tagCount.max} are allowed`, 'tags');
    for (const [k, v] of Object.entries(r.tags)) {
      check(k, IOT.tagKey, `tags.${k}`, 'tag key');
      check(v, IOT.tagValue, `tags.${k}`, 'tag value');
    }
  }
  if (r.clientToken !== undefined) check(r.clientToken, IOT.releaseClientToken, 'clientToken', 'clientToken', 'use 36–64 letters, digits or _ . : - (at least 16 letters or digits), or omit it to derive one from the artifact');
  check(
    r.opensearchPackage,
    OPENSEARCH.packageName,
    'opensearchPackage',
    'OpenSearch package name',
    'OpenSearch names are lower-case letters, digits and hyphens; set "opensearchPackage" for this package in config/packages.json',
  );
}

/** The names come first: everything else (configuration, S3 look-ups) is keyed on them. */
export function validateNames(packageName: string, versionName: string): void {
  check(packageName, IOT.packageName, 'packageName', 'IoT package name');
  check(versionName, IOT.versionName, 'versionName', 'version name');
  refuseDotName(packageName, 'packageName');
  refuseDotName(versionName, 'versionName');
}

/** IoT accepts `.` and `..`, but as key segments they mean "this" and "parent" directory: refused. */
function refuseDotName(name: string, field: string): void {
  if (name === '.' || name === '..') throw new InvalidRelease(`"${name}" is a path segment, not a name; use letters or digits too`, field);
}

function check(value: string, c: StringConstraint, field: string, what: string, hint?: string): void {
  const problem = checkString(value, c);
  if (problem) throw new InvalidRelease(`${what} "${truncate(value)}" ${problem}${hint ? `; ${hint}` : ''}`, field);
}

function truncate(s: string): string {
  const printable = JSON.stringify(s).slice(1, -1);
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}
