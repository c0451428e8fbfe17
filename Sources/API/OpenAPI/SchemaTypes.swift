import LedgerStore

// The types `openapi-generator-config.yaml` puts in place of generated schema types
// (`typeOverrides`): domain or response types that already encode exactly as the schema says.

/// `InclusionProof` of `openapi.yaml`.
typealias MerkleInclusionProof = InclusionProof
/// `ConsistencyProof` of `openapi.yaml`.
typealias MerkleConsistencyProof = ConsistencyProof
