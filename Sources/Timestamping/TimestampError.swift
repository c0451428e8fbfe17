/// Why a timestamp could not be obtained, parsed or verified, with messages a user can act on.
///
/// Errors that come from OpenSSL carry the text of OpenSSL's error queue at the end of their
/// message, so a log shows what the library itself reported.
public enum TimestampError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The digest to stamp is not a 32-byte SHA-256 value.
    case invalidDigestLength(Int)
    /// OpenSSL could not build the DER time-stamp request.
    case requestEncodingFailed(openSSL: String)
    /// The bytes are not a DER `TimeStampResp`.
    case malformedResponse(String)
    /// The bytes are not a DER `TimeStampToken` (a CMS `ContentInfo` holding a signed `TSTInfo`).
    case malformedToken(String)
    /// The TSA answered with a status other than granted.
    case rejected(TimestampStatus)
    /// The TSA said granted but sent no token.
    case grantedWithoutToken
    /// The token's message imprint uses a hash algorithm other than SHA-256 (its OID).
    case unsupportedHashAlgorithm(String)
    /// The token's message imprint is not the digest of the data (both in hexadecimal).
    case imprintMismatch(expected: String, found: String)
    /// The token's nonce is not the nonce of the request.
    case nonceMismatch(expected: UInt64, found: UInt64?)
    /// The TSA certificate does not chain to a trusted CA certificate (OpenSSL's reason).
    case untrustedCertificate(String)
    /// The signing certificate is not a time-stamping certificate: its extended key usage is not
    /// exactly, and critically, `timeStamping` (OpenSSL's reason).
    case notTimestampingCertificate(String)
    /// The token's signature, or its signing-certificate attribute, does not verify.
    case invalidSignature(String)
    /// Verification failed for another reason (OpenSSL's reason).
    case verificationFailed(String)
    /// The trusted or untrusted certificates given to the verifier cannot be used.
    case invalidCertificates(String)
    /// A certificate file cannot be read.
    case unreadableFile(path: String, reason: String)
    /// The TSA could not be reached or did not answer in time.
    case transport(url: String, reason: String)
    /// The TSA answered with an HTTP status other than 200 (the start of its body, as text).
    case httpStatus(url: String, status: Int, body: String)
    /// The TSA answered without the `application/timestamp-reply` content type.
    case unexpectedContentType(url: String, contentType: String?)
    /// The TSA's answer is larger than the client accepts.
    case responseTooLarge(url: String, limit: Int)

    /// A short stable code for scripts and logs.
    public var code: String {
        switch self {
        case .invalidDigestLength: "invalid_digest_length"
        case .requestEncodingFailed: "request_encoding_failed"
        case .malformedResponse: "malformed_response"
        case .malformedToken: "malformed_token"
        case .rejected: "rejected"
        case .grantedWithoutToken: "granted_without_token"
        case .unsupportedHashAlgorithm: "unsupported_hash_algorithm"
        case .imprintMismatch: "imprint_mismatch"
        case .nonceMismatch: "nonce_mismatch"
        case .untrustedCertificate: "untrusted_certificate"
        case .notTimestampingCertificate: "not_timestamping_certificate"
        case .invalidSignature: "invalid_signature"
        case .verificationFailed: "verification_failed"
        case .invalidCertificates: "invalid_certificates"
        case .unreadableFile: "unreadable_file"
        case .transport: "transport"
        case .httpStatus: "http_status"
        case .unexpectedContentType: "unexpected_content_type"
        case .responseTooLarge: "response_too_large"
        }
    }

    public var description: String {
        switch self {
        case .invalidDigestLength(let count):
            "a timestamp is requested for a SHA-256 digest of 32 bytes, got \(count) bytes: hash the data with SHA-256 first"
        case .requestEncodingFailed(let why):
            "the time-stamp request could not be encoded: \(why)"
        case .malformedResponse(let why):
            "the TSA's answer is not an RFC 3161 time-stamp response: \(why); check that the URL is the TSA's RFC 3161 endpoint"
        case .malformedToken(let why):
            "the stored time-stamp token is not a valid RFC 3161 token (it is truncated, corrupted or not a token): \(why)"
        case .rejected(let status):
            "the TSA refused the time-stamp request: \(status)"
        case .grantedWithoutToken:
            "the TSA said the request was granted but sent no time-stamp token; report this to the TSA operator"
        case .unsupportedHashAlgorithm(let oid):
            "the token's message imprint uses the hash algorithm \(oid); only SHA-256 (2.16.840.1.101.3.4.2.1) is accepted"
        case .imprintMismatch(let expected, let found):
            "the token's message imprint (\(found.prefix(16))…) does not match the digest of the stamped data (\(expected.prefix(16))…): the token belongs to other data, or the data changed after it was stamped"
        case .nonceMismatch(let expected, let found?):
            "the token's nonce \(found) is not the request's nonce \(expected): the answer belongs to another request (a replayed or misrouted response)"
        case .nonceMismatch(let expected, nil):
            "the token carries no nonce, but the request's nonce was \(expected): the answer belongs to another request or the TSA ignores nonces"
        case .untrustedCertificate(let why):
            "the TSA certificate does not chain to the trusted CA certificate: \(why); configure the CA that issued this TSA's certificate (and any intermediate certificates) or check the TSA URL"
        case .notTimestampingCertificate(let why):
            "the token is signed with a certificate that is not a time-stamping certificate (its extended key usage must be exactly and critically timeStamping): \(why)"
        case .invalidSignature(let why):
            "the token's signature does not verify, so the token was altered or corrupted: \(why)"
        case .verificationFailed(let why):
            "the time-stamp token could not be verified: \(why)"
        case .invalidCertificates(let why):
            "the certificates for time-stamp verification cannot be used: \(why)"
        case .unreadableFile(let path, let why):
            "cannot read the certificate file \(path): \(why)"
        case .transport(let url, let why):
            "the TSA at \(url) could not be reached: \(why); check the URL, the network and the timeout"
        case .httpStatus(let url, let status, let body):
            "the TSA at \(url) answered HTTP \(status) instead of 200" + (body.isEmpty ? "" : ": \(body)")
        case .unexpectedContentType(let url, let contentType?):
            "the TSA at \(url) answered with content type \(contentType), not application/timestamp-reply: check that the URL is the TSA's RFC 3161 endpoint"
        case .unexpectedContentType(let url, nil):
            "the TSA at \(url) answered without a content type, not application/timestamp-reply: check that the URL is the TSA's RFC 3161 endpoint"
        case .responseTooLarge(let url, let limit):
            "the TSA at \(url) answered with more than \(limit) bytes, too large for a time-stamp response"
        }
    }
}
