import COpenSSL

/// An RFC 3161 `TimeStampResp`: the TSA's status and, when granted, the token.
public struct TimestampResponse: Hashable, Sendable {
    /// Whether the TSA granted the request, and its reasons if not.
    public let status: TimestampStatus
    /// The token; present exactly when ``status`` is granted.
    public let token: TimestampToken?

    /// Parses a DER `TimeStampResp`, as a TSA sends it.
    /// - Throws: ``TimestampError/malformedResponse(_:)`` when the bytes are not a response,
    ///   ``TimestampError/grantedWithoutToken`` when a granted response has no token.
    public init(der: [UInt8]) throws {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw TimestampError.malformedResponse(der.isEmpty ? "the answer is empty" : "the answer is too large")
        }
        let response = try der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let response = d2i_TS_RESP(nil, &cursor, buffer.count) else {
                throw TimestampError.malformedResponse(OpenSSLErrorQueue.drainText(fallback: "not DER"))
            }
            guard cursor == buffer.baseAddress! + buffer.count else {
                TS_RESP_free(response)
                throw TimestampError.malformedResponse("\(buffer.baseAddress! + buffer.count - cursor!) bytes follow the response")
            }
            return response
        }
        defer { TS_RESP_free(response) }

        guard let info = TS_RESP_get_status_info(response), let status = TimestampStatus(openSSL: info) else {
            throw TimestampError.malformedResponse("the status is not an RFC 3161 PKIStatus")
        }
        self.status = status
        guard status.isGranted else {
            self.token = nil
            return
        }
        guard let pkcs7 = TS_RESP_get_token(response) else {  // owned by the response
            throw TimestampError.grantedWithoutToken
        }
        // Keep the TSA's own bytes; re-encode only a response that is not plain DER.
        if let exact = ResponseLayout.tokenBytes(in: der), let token = try? TimestampToken(der: Array(exact)) {
            self.token = token
            return
        }
        guard let tokenDER = ASN1Values.der({ i2d_PKCS7(pkcs7, $0) }) else {
            throw TimestampError.malformedResponse(OpenSSLErrorQueue.drainText(fallback: "the token cannot be re-encoded"))
        }
        self.token = try TimestampToken(der: tokenDER, pkcs7: pkcs7)
    }

    /// The token, after checking that it answers `request`: the status is granted, the imprint
    /// is the request's SHA-256 digest and the nonce is the request's nonce.
    ///
    /// This checks consistency with the request, not trust: it needs no CA certificate. Use
    /// ``TimestampVerifier`` to check the signature and the TSA certificate.
    /// - Throws: ``TimestampError/rejected(_:)``, ``TimestampError/unsupportedHashAlgorithm(_:)``,
    ///   ``TimestampError/imprintMismatch(expected:found:)`` or ``TimestampError/nonceMismatch(expected:found:)``.
    public func token(answering request: TimestampRequest) throws -> TimestampToken {
        guard status.isGranted else { throw TimestampError.rejected(status) }
        guard let token else { throw TimestampError.grantedWithoutToken }
        guard token.isSHA256 else { throw TimestampError.unsupportedHashAlgorithm(token.hashAlgorithm) }
        guard token.messageImprint == request.sha256Digest else {
            throw TimestampError.imprintMismatch(expected: hexString(request.sha256Digest), found: hexString(token.messageImprint))
        }
        guard token.nonce == request.nonce else {
            throw TimestampError.nonceMismatch(expected: request.nonce, found: token.nonce)
        }
        return token
    }
}
