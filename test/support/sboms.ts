/** SBOM documents and archives for the tests: valid CycloneDX 1.5 and SPDX 2.3, and broken ones. */
import { strToU8, zipSync } from 'fflate';

export const CYCLONEDX = {
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: { timestamp: '2026-12-01T10:00:00Z', component: { type: 'firmware', name: 'edge-agent', version: '1.0.0' } },
  components: [{ type: 'library', name: 'zlib', version: '1.3.1', purl: 'pkg:generic/zlib@1.3.1', licenses: [{ license: { id: 'Zlib' } }] }],
};

export const SPDX = {
  spdxVersion: 'SPDX-2.3',
  dataLicense: 'CC0-1.0',
  SPDXID: 'SPDXRef-DOCUMENT',
  name: 'edge-agent-1.0.0',
  documentNamespace: 'https://example.com/spdx/edge-agent-1.0.0',
  creationInfo: { created: '2026-12-01T10:00:00Z', creators: ['Tool: pkgrelease-tests'] },
  packages: [{ SPDXID: 'SPDXRef-Package-zlib', name: 'zlib', versionInfo: '1.3.1', downloadLocation: 'NOASSERTION', licenseConcluded: 'Zlib' }],
  relationships: [{ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Package-zlib' }],
};

/** A CycloneDX document whose component has no name (required by the CycloneDX schema). */
export const CYCLONEDX_WITHOUT_NAME = { ...CYCLONEDX, components: [{ type: 'library', version: '1.3.1' }] };
/** An SPDX document without its documentNamespace (required by SPDX 2.3). */
export const SPDX_WITHOUT_NAMESPACE = { ...SPDX, documentNamespace: undefined };

/** A zip of JSON documents (or raw bytes) by file name. */
export function sbomZip(files: Record<string, unknown>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([name, doc]) => [name, doc instanceof Uint8Array ? doc : strToU8(JSON.stringify(doc))]))));
}
