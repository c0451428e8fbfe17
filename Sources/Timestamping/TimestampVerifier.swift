import COpenSSL
import Foundation

/// Verifies RFC 3161 time-stamp tokens against trusted CA certificates.
///
/// A token is accepted when all of these hold, checked by OpenSSL's `TS_RESP_verify_token`:
/// - the CMS signature over the `TSTInfo` verifies with the signing certificate, and the ESS
///   signing-certificate attribute names that certificate;
/// - the signing certificate chains to one of the trusted certificates (intermediates come
///   from the token or from the untrusted certificates given here);
/// - the signing certificate's extended key usage is exactly, and critically, `timeStamping`;
/// - the message imprint is the SHA-256 digest of the data, and, when a nonce is expected,
///   the token carries that nonce.
///
/// The verifier keeps the certificates as PEM text and builds fresh OpenSSL objects for each
/// verification, so it is a plain `Sendable` value that any task may use.
public struct TimestampVerifier: Sendable {
    /// When the certificates must be valid.
    public enum CertificateTime: Hashable, Sendable {
        /// Now: the strictest check, for a token that was just obtained.
        case now
        /// At the token's generation time: for archived tokens whose TSA certificate has since
        /// expired. It trusts that the TSA key was not compromised after that time.
        case generationTime
    }

    private let trustedPEM: [UInt8]
    private let untrustedPEM: [UInt8]
    /// When the certificates must be valid.
    public let certificateTime: CertificateTime

    /// A verifier trusting the CA certificates in `trustedCertificatesPEM`.
    /// - Parameters:
    ///   - trustedCertificatesPEM: one or more PEM `CERTIFICATE` blocks: the roots of trust.
    ///   - untrustedCertificatesPEM: intermediate certificates (PEM) that may complete the chain
    ///     when the token does not include them; they are not trusted by themselves.
    ///   - certificateTime: when the certificates must be valid.
    /// - Throws: ``TimestampError/invalidCertificates(_:)`` when the text holds no usable certificate.
    public init(
        trustedCertificatesPEM: [UInt8],
        untrustedCertificatesPEM: [UInt8] = [],
        certificateTime: CertificateTime = .now
    ) throws {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        try PEMCertificates.withCertificates(trustedCertificatesPEM, role: "trusted CA certificates") { _ in }
        try PEMCertificates.withCertificates(untrustedCertificatesPEM, role: "untrusted certificates", allowEmpty: true) { _ in }
        self.trustedPEM = trustedCertificatesPEM
        self.untrustedPEM = untrustedCertificatesPEM
        self.certificateTime = certificateTime
    }

    /// A verifier trusting the CA certificates in the PEM file at `trustedCertificatesFile`.
    /// - Throws: ``TimestampError/unreadableFile(path:reason:)`` or ``TimestampError/invalidCertificates(_:)``.
    public init(
        trustedCertificatesFile: String,
        untrustedCertificatesFile: String? = nil,
        certificateTime: CertificateTime = .now
    ) throws {
        func read(_ path: String) throws -> [UInt8] {
            do {
                return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw TimestampError.unreadableFile(path: path, reason: error.localizedDescription)
            }
        }
        try self.init(
            trustedCertificatesPEM: try read(trustedCertificatesFile),
            untrustedCertificatesPEM: try untrustedCertificatesFile.map(read) ?? [],
            certificateTime: certificateTime
        )
    }

    /// Verifies `token` for the data whose SHA-256 digest is `sha256Digest`.
    /// - Parameter expectedNonce: the request's nonce when it is known; `nil` skips the nonce check.
    /// - Returns: the verified token.
    /// - Throws: a ``TimestampError`` naming the first check that failed.
    @discardableResult
    public func verify(_ token: TimestampToken, sha256Digest: [UInt8], expectedNonce: UInt64? = nil) throws -> TimestampToken {
        try verify(tokenDER: token.der, sha256Digest: sha256Digest, expectedNonce: expectedNonce)
    }

    /// Verifies a stored DER token for the data whose SHA-256 digest is `sha256Digest`.
    /// - Returns: the verified token, parsed.
    /// - Throws: a ``TimestampError`` naming the first check that failed.
    @discardableResult
    public func verify(tokenDER: [UInt8], sha256Digest: [UInt8], expectedNonce: UInt64? = nil) throws -> TimestampToken {
        guard sha256Digest.count == 32 else { throw TimestampError.invalidDigestLength(sha256Digest.count) }
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }

        let pkcs7 = try TimestampToken.decodePKCS7(tokenDER)
        defer { PKCS7_free(pkcs7) }
        let token = try TimestampToken(der: tokenDER, pkcs7: pkcs7)
        guard token.isSHA256 else { throw TimestampError.unsupportedHashAlgorithm(token.hashAlgorithm) }

        // A request with the expected imprint (and nonce) is OpenSSL's template for what to check.
        let request = try TimestampRequest.makeOpenSSLRequest(sha256Digest: sha256Digest, nonce: expectedNonce)
        defer { TS_REQ_free(request) }
        guard let context = TS_REQ_to_TS_VERIFY_CTX(request, nil) else {
            throw TimestampError.verificationFailed(OpenSSLErrorQueue.drainText(fallback: "TS_REQ_to_TS_VERIFY_CTX failed"))
        }
        defer { TS_VERIFY_CTX_free(context) }  // also frees the store and the stack handed to it
        TS_VERIFY_CTX_add_flags(context, Int32(TS_VFY_SIGNATURE))
        TS_VERIFY_CTX_set_store(context, try makeStore(generationTime: token.generationTime))
        if !untrustedPEM.isEmpty {
            TS_VERIFY_CTX_set_certs(context, try makeUntrustedStack())
        }

        guard TS_RESP_verify_token(context, pkcs7) == 1 else {
            throw Self.failure(OpenSSLErrorQueue.drain(), token: token, sha256Digest: sha256Digest, expectedNonce: expectedNonce)
        }
        return token
    }

    /// Verifies the token of a TSA's `response` to `request`: granted, answering the request
    /// (imprint and nonce), and trusted.
    @discardableResult
    public func verify(_ response: TimestampResponse, answering request: TimestampRequest) throws -> TimestampToken {
        let token = try response.token(answering: request)
        return try verify(token, sha256Digest: request.sha256Digest, expectedNonce: request.nonce)
    }

    /// A new `X509_STORE` holding the trusted certificates; the caller owns it.
    private func makeStore(generationTime: Date) throws -> OpaquePointer {
        guard let store = X509_STORE_new() else {
            throw TimestampError.verificationFailed(OpenSSLErrorQueue.drainText(fallback: "X509_STORE_new failed"))
        }
        do {
            try PEMCertificates.withCertificates(trustedPEM, role: "trusted CA certificates") { certificates in
                for certificate in certificates where X509_STORE_add_cert(store, certificate) != 1 {  // takes a reference
                    throw TimestampError.invalidCertificates(OpenSSLErrorQueue.drainText(fallback: "X509_STORE_add_cert failed"))
                }
            }
            if certificateTime == .generationTime, let parameters = X509_STORE_get0_param(store) {
                X509_VERIFY_PARAM_set_time(parameters, time_t(generationTime.timeIntervalSince1970.rounded(.down)))
            }
            return store
        } catch {
            X509_STORE_free(store)
            throw error
        }
    }

    /// A new stack of the untrusted certificates; the caller owns it and its certificates.
    private func makeUntrustedStack() throws -> OpaquePointer {
        guard let stack = rk_sk_X509_new_null() else {
            throw TimestampError.verificationFailed(OpenSSLErrorQueue.drainText(fallback: "sk_X509_new_null failed"))
        }
        do {
            try PEMCertificates.withCertificates(untrustedPEM, role: "untrusted certificates", allowEmpty: true) { certificates in
                for certificate in certificates {
                    X509_up_ref(certificate)
                    guard rk_sk_X509_push(stack, certificate) > 0 else {
                        X509_free(certificate)
                        throw TimestampError.verificationFailed(OpenSSLErrorQueue.drainText(fallback: "sk_X509_push failed"))
                    }
                }
            }
            return stack
        } catch {
            rk_sk_X509_pop_free(stack)
            throw error
        }
    }

    /// The error for OpenSSL's reasons, most specific first.
    private static func failure(
        _ entries: [OpenSSLErrorQueue.Entry], token: TimestampToken, sha256Digest: [UInt8], expectedNonce: UInt64?
    ) -> TimestampError {
        let text = OpenSSLErrorQueue.text(of: entries, fallback: "OpenSSL gave no reason")
        func has(_ library: Int32, _ reasons: Int32...) -> Bool {
            entries.contains { $0.library == library && reasons.contains($0.reason) }
        }
        if has(ERR_LIB_TS, TS_R_CERTIFICATE_VERIFY_ERROR) {
            let wrongPurpose = String(cString: X509_verify_cert_error_string(Int(X509_V_ERR_INVALID_PURPOSE)))
            if entries.contains(where: { $0.data?.contains(wrongPurpose) == true }) {
                return .notTimestampingCertificate(text)
            }
            return .untrustedCertificate(text)
        }
        if has(ERR_LIB_PKCS7, PKCS7_R_SIGNER_CERTIFICATE_NOT_FOUND) {
            return .verificationFailed(
                "the token does not include the TSA certificate; give it to the verifier as an untrusted certificate (\(text))"
            )
        }
        if has(ERR_LIB_TS, TS_R_SIGNATURE_FAILURE, TS_R_ESS_SIGNING_CERTIFICATE_ERROR, TS_R_TSA_NAME_MISMATCH) {
            return .invalidSignature(text)
        }
        if has(ERR_LIB_TS, TS_R_MESSAGE_IMPRINT_MISMATCH) {
            return .imprintMismatch(expected: hexString(sha256Digest), found: hexString(token.messageImprint))
        }
        if let expectedNonce, has(ERR_LIB_TS, TS_R_NONCE_MISMATCH, TS_R_NONCE_NOT_RETURNED) {
            return .nonceMismatch(expected: expectedNonce, found: token.nonce)
        }
        if has(
            ERR_LIB_TS, TS_R_UNSUPPORTED_VERSION, TS_R_NO_CONTENT, TS_R_WRONG_CONTENT_TYPE, TS_R_DETACHED_CONTENT,
            TS_R_BAD_PKCS7_TYPE, TS_R_THERE_MUST_BE_ONE_SIGNER
        ) {
            return .malformedToken(text)
        }
        return .verificationFailed(text)
    }
}
