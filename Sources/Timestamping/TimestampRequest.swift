import COpenSSL

/// An RFC 3161 `TimeStampReq` for a SHA-256 digest: version 1, a random 64-bit nonce, no policy,
/// and `certReq` set so the TSA puts its certificate in the token (verification needs it).
public struct TimestampRequest: Hashable, Sendable {
    /// The SHA-256 digest of the data to stamp (32 bytes): the message imprint.
    public let sha256Digest: [UInt8]
    /// The nonce the TSA must copy into its token; it ties the answer to this request.
    public let nonce: UInt64
    /// The DER encoding, the body of an `application/timestamp-query` POST.
    public let der: [UInt8]

    /// Builds the request.
    /// - Parameters:
    ///   - sha256Digest: the SHA-256 digest of the data to stamp; never the data itself.
    ///   - nonce: a fresh random value by default (from the system's secure generator).
    /// - Throws: ``TimestampError/invalidDigestLength(_:)`` when the digest is not 32 bytes.
    public init(sha256Digest: [UInt8], nonce: UInt64 = UInt64.random(in: .min ... .max)) throws {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        let request = try Self.makeOpenSSLRequest(sha256Digest: sha256Digest, nonce: nonce)
        defer { TS_REQ_free(request) }
        guard let der = ASN1Values.der({ i2d_TS_REQ(request, $0) }) else {
            throw TimestampError.requestEncodingFailed(openSSL: OpenSSLErrorQueue.drainText(fallback: "i2d_TS_REQ failed"))
        }
        self.sha256Digest = sha256Digest
        self.nonce = nonce
        self.der = der
    }

    /// An OpenSSL `TS_REQ` with a SHA-256 imprint, the nonce when given, and `certReq` set.
    /// The caller frees it with `TS_REQ_free`. Also the template of a verification context.
    static func makeOpenSSLRequest(sha256Digest: [UInt8], nonce: UInt64?) throws -> OpaquePointer {
        guard sha256Digest.count == 32 else { throw TimestampError.invalidDigestLength(sha256Digest.count) }
        func failed(_ step: String) -> TimestampError {
            .requestEncodingFailed(openSSL: OpenSSLErrorQueue.drainText(fallback: "\(step) failed"))
        }
        guard let request = TS_REQ_new() else { throw failed("TS_REQ_new") }
        var handedOver = false
        defer { if !handedOver { TS_REQ_free(request) } }
        guard TS_REQ_set_version(request, 1) == 1 else { throw failed("TS_REQ_set_version") }

        guard let imprint = TS_MSG_IMPRINT_new() else { throw failed("TS_MSG_IMPRINT_new") }
        defer { TS_MSG_IMPRINT_free(imprint) }
        guard let algorithm = X509_ALGOR_new() else { throw failed("X509_ALGOR_new") }
        defer { X509_ALGOR_free(algorithm) }
        // SHA-256 with NULL parameters, as `openssl ts -query` writes it. The object is static.
        guard X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nil) == 1,
            TS_MSG_IMPRINT_set_algo(imprint, algorithm) == 1  // copies
        else { throw failed("setting the imprint algorithm") }
        var digest = sha256Digest
        let setMessage = digest.withUnsafeMutableBufferPointer {
            TS_MSG_IMPRINT_set_msg(imprint, $0.baseAddress, Int32($0.count))  // copies
        }
        guard setMessage == 1, TS_REQ_set_msg_imprint(request, imprint) == 1  // copies
        else { throw failed("setting the message imprint") }

        if let nonce {
            guard let value = ASN1_INTEGER_new() else { throw failed("ASN1_INTEGER_new") }
            defer { ASN1_INTEGER_free(value) }
            guard ASN1_INTEGER_set_uint64(value, nonce) == 1, TS_REQ_set_nonce(request, value) == 1  // copies
            else { throw failed("setting the nonce") }
        }
        guard TS_REQ_set_cert_req(request, 1) == 1 else { throw failed("TS_REQ_set_cert_req") }
        handedOver = true
        return request
    }
}
