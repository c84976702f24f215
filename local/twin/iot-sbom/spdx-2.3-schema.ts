/**
 * SPDX 2.3 JSON documents as a JSON Schema (draft 2020-12), for ajv. Written from the SPDX 2.3
 * specification's fields and cardinalities (chapters 6–11: document creation, package, file,
 * snippet, other licensing, relationship), because no package reachable here ships SPDX's own
 * schema file. It requires what the specification requires, types what it types and keeps its
 * enumerations; members it does not name are allowed, as in SPDX's schema.
 */
const SPDX_ID = { type: 'string', pattern: '^SPDXRef-[A-Za-z0-9.-]+$' } as const;
/** An element of this document, of another one (`DocumentRef-…:SPDXRef-…`), NONE or NOASSERTION. */
const ELEMENT_REF = { type: 'string', pattern: '^((DocumentRef-[A-Za-z0-9.-]+:)?SPDXRef-[A-Za-z0-9.-]+|NONE|NOASSERTION)$' } as const;
const CHECKSUM_ALGORITHMS = ['SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512', 'BLAKE2b-256', 'BLAKE2b-384', 'BLAKE2b-512', 'BLAKE3', 'MD2', 'MD4', 'MD5', 'MD6', 'ADLER32'];
const CHECKSUM = {
  type: 'object',
  required: ['algorithm', 'checksumValue'],
  properties: { algorithm: { enum: CHECKSUM_ALGORITHMS }, checksumValue: { type: 'string', pattern: '^[0-9a-fA-F]+$' } },
} as const;
const STRINGS = { type: 'array', items: { type: 'string' } } as const;
const RELATIONSHIP_TYPES = [
  'DESCRIBES', 'DESCRIBED_BY', 'CONTAINS', 'CONTAINED_BY', 'DEPENDS_ON', 'DEPENDENCY_OF', 'DEPENDENCY_MANIFEST_OF', 'BUILD_DEPENDENCY_OF',
  'DEV_DEPENDENCY_OF', 'OPTIONAL_DEPENDENCY_OF', 'PROVIDED_DEPENDENCY_OF', 'TEST_DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF', 'EXAMPLE_OF',
  'GENERATES', 'GENERATED_FROM', 'ANCESTOR_OF', 'DESCENDANT_OF', 'VARIANT_OF', 'DISTRIBUTION_ARTIFACT', 'PATCH_FOR', 'PATCH_APPLIED',
  'COPY_OF', 'FILE_ADDED', 'FILE_DELETED', 'FILE_MODIFIED', 'EXPANDED_FROM_ARCHIVE', 'DYNAMIC_LINK', 'STATIC_LINK', 'DATA_FILE_OF',
  'TEST_CASE_OF', 'BUILD_TOOL_OF', 'DEV_TOOL_OF', 'TEST_OF', 'TEST_TOOL_OF', 'DOCUMENTATION_OF', 'OPTIONAL_COMPONENT_OF', 'METAFILE_OF',
  'PACKAGE_OF', 'AMENDS', 'PREREQUISITE_FOR', 'HAS_PREREQUISITE', 'REQUIREMENT_DESCRIPTION_FOR', 'SPECIFICATION_FOR', 'OTHER',
];
const PACKAGE_PURPOSES = ['APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM', 'DEVICE', 'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER'];
const FILE_TYPES = ['SOURCE', 'BINARY', 'ARCHIVE', 'APPLICATION', 'AUDIO', 'IMAGE', 'TEXT', 'VIDEO', 'DOCUMENTATION', 'SPDX', 'OTHER'];
const EXTERNAL_REF_CATEGORIES = ['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER', 'PACKAGE_MANAGER', 'PERSISTENT_ID'];

export const SPDX_2_3_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://pkgrelease.local/schemas/spdx-2.3.json',
  title: 'SPDX 2.3 document (JSON)',
  type: 'object',
  required: ['spdxVersion', 'dataLicense', 'SPDXID', 'name', 'documentNamespace', 'creationInfo'],
  properties: {
    spdxVersion: { const: 'SPDX-2.3' },
    dataLicense: { const: 'CC0-1.0' },
    SPDXID: { const: 'SPDXRef-DOCUMENT' },
    name: { type: 'string', minLength: 1 },
    documentNamespace: { type: 'string', format: 'uri' },
    comment: { type: 'string' },
    creationInfo: {
      type: 'object',
      required: ['created', 'creators'],
      properties: {
        created: { type: 'string', format: 'date-time' },
        creators: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(Person|Organization|Tool): .+' } },
        licenseListVersion: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$' },
        comment: { type: 'string' },
      },
    },
    externalDocumentRefs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['externalDocumentId', 'spdxDocument', 'checksum'],
        properties: { externalDocumentId: { type: 'string', pattern: '^DocumentRef-[A-Za-z0-9.-]+$' }, spdxDocument: { type: 'string', format: 'uri' }, checksum: CHECKSUM },
      },
    },
    documentDescribes: { type: 'array', items: ELEMENT_REF },
    packages: {
      type: 'array',
      items: {
        type: 'object',
        required: ['SPDXID', 'name', 'downloadLocation'],
        properties: {
          SPDXID: SPDX_ID,
          name: { type: 'string', minLength: 1 },
          versionInfo: { type: 'string' },
          downloadLocation: { type: 'string', minLength: 1 },
          filesAnalyzed: { type: 'boolean' },
          checksums: { type: 'array', items: CHECKSUM },
          licenseConcluded: { type: 'string' },
          licenseDeclared: { type: 'string' },
          licenseInfoFromFiles: STRINGS,
          copyrightText: { type: 'string' },
          supplier: { type: 'string', pattern: '^(NOASSERTION|(Person|Organization): .+)$' },
          originator: { type: 'string', pattern: '^(NOASSERTION|(Person|Organization): .+)$' },
          primaryPackagePurpose: { enum: PACKAGE_PURPOSES },
          packageVerificationCode: {
            type: 'object',
            required: ['packageVerificationCodeValue'],
            properties: { packageVerificationCodeValue: { type: 'string', pattern: '^[0-9a-fA-F]{40}$' }, packageVerificationCodeExcludedFiles: STRINGS },
          },
          externalRefs: {
            type: 'array',
            items: {
              type: 'object',
              required: ['referenceCategory', 'referenceType', 'referenceLocator'],
              properties: { referenceCategory: { enum: EXTERNAL_REF_CATEGORIES }, referenceType: { type: 'string', minLength: 1 }, referenceLocator: { type: 'string', pattern: '^\\S+$' } },
            },
          },
          hasFiles: { type: 'array', items: SPDX_ID },
          releaseDate: { type: 'string', format: 'date-time' },
          builtDate: { type: 'string', format: 'date-time' },
          validUntilDate: { type: 'string', format: 'date-time' },
        },
      },
    },
    files: {
      type: 'array',
      items: {
        type: 'object',
        required: ['SPDXID', 'fileName', 'checksums'],
        properties: {
          SPDXID: SPDX_ID,
          fileName: { type: 'string', minLength: 1 },
          fileTypes: { type: 'array', items: { enum: FILE_TYPES } },
          // The specification: a SHA1 checksum is mandatory for every file.
          checksums: { type: 'array', minItems: 1, items: CHECKSUM, contains: { type: 'object', properties: { algorithm: { const: 'SHA1' } } } },
          licenseConcluded: { type: 'string' },
          licenseInfoInFiles: STRINGS,
          copyrightText: { type: 'string' },
        },
      },
    },
    snippets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['SPDXID', 'snippetFromFile', 'ranges'],
        properties: { SPDXID: SPDX_ID, snippetFromFile: ELEMENT_REF, ranges: { type: 'array', minItems: 1, items: { type: 'object', required: ['startPointer', 'endPointer'] } } },
      },
    },
    hasExtractedLicensingInfos: {
      type: 'array',
      items: {
        type: 'object',
        required: ['licenseId', 'extractedText'],
        properties: { licenseId: { type: 'string', pattern: '^LicenseRef-[A-Za-z0-9.-]+$' }, extractedText: { type: 'string' }, name: { type: 'string' }, seeAlsos: STRINGS },
      },
    },
    relationships: {
      type: 'array',
      items: {
        type: 'object',
        required: ['spdxElementId', 'relationshipType', 'relatedSpdxElement'],
        properties: { spdxElementId: ELEMENT_REF, relationshipType: { enum: RELATIONSHIP_TYPES }, relatedSpdxElement: ELEMENT_REF, comment: { type: 'string' } },
      },
    },
    annotations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['annotationDate', 'annotationType', 'annotator', 'comment'],
        properties: { annotationDate: { type: 'string', format: 'date-time' }, annotationType: { enum: ['REVIEW', 'OTHER'] }, annotator: { type: 'string' }, comment: { type: 'string' } },
      },
    },
  },
} as const;
