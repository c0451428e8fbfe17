import COpenSSL
public import Foundation

/// An RFC 3161 `TimeStampToken`, the signed proof that a digest existed at a time, and what it says.
///
/// ``der`` (a CMS `ContentInfo` with `SignedData` over a `TSTInfo`) is what is stored with a
/// checkpoint; the other properties are read from it. Parsing checks the structure only: use
/// ``TimestampVerifier`` to check the signature, the TSA certificate and the imprint.
public struct TimestampToken: Hashable, Sendable {
    /// The DER encoding of the token, exactly as the TSA sent it.
    public let der: [UInt8]
    /// When the TSA says the token was created (`genTime`), to the precision the TSA gave.
    public let generationTime: Date
    /// The TSA's serial number of the token, lower-case hexadecimal (e.g. `"01"`, `"5f3a…"`).
    public let serialNumber: String
    /// The OID of the TSA policy under which the token was issued, dotted (e.g. `"1.2.3.4.1"`).
    public let policy: String
    /// The nonce the TSA copied from the request; `nil` when the token has none.
    public let nonce: UInt64?
    /// The OID of the message imprint's hash algorithm (SHA-256 is `"2.16.840.1.101.3.4.2.1"`).
    public let hashAlgorithm: String
    /// The message imprint: the digest of the stamped data.
    public let messageImprint: [UInt8]

    /// Whether the message imprint is a SHA-256 digest.
    public var isSHA256: Bool {
        hashAlgorithm == ASN1Values.sha256OID
    }

    /// Parses a DER `TimeStampToken`.
    /// - Throws: ``TimestampError/malformedToken(_:)`` when the bytes are not one token (trailing
    ///   bytes included), or when its nonce does not fit 64 bits.
    public init(der: [UInt8]) throws {
        OpenSSLErrorQueue.clear()
        defer { OpenSSLErrorQueue.clear() }
        let token = try Self.decodePKCS7(der)
        defer { PKCS7_free(token) }
        try self.init(der: der, pkcs7: token)
    }

    /// Reads the `TSTInfo` of an already decoded token whose encoding is `der`.
    init(der: [UInt8], pkcs7 token: UnsafeMutablePointer<PKCS7>) throws {
        func malformed(_ what: String) -> TimestampError {
            .malformedToken(OpenSSLErrorQueue.drainText(fallback: what))
        }
        guard let info = PKCS7_to_TS_TST_INFO(token) else {
            throw malformed("the token does not hold a signed TSTInfo")
        }
        defer { TS_TST_INFO_free(info) }
        guard TS_TST_INFO_get_version(info) == 1 else {
            throw malformed("the TSTInfo version is \(TS_TST_INFO_get_version(info)), not 1")
        }
        guard let time = ASN1Values.date(TS_TST_INFO_get_time(info)) else {
            throw malformed("the genTime is not a valid UTC GeneralizedTime")
        }
        guard let serial = ASN1Values.hex(TS_TST_INFO_get_serial(info)) else {
            throw malformed("the serial number is missing")
        }
        guard let policy = ASN1Values.oid(TS_TST_INFO_get_policy_id(info)) else {
            throw malformed("the policy is missing")
        }
        var nonce: UInt64?
        if let value = TS_TST_INFO_get_nonce(info) {
            guard let parsed = ASN1Values.uint64(value) else {
                throw malformed("the nonce is negative or longer than 64 bits, so it was not issued for a Recordkeeper request")
            }
            nonce = parsed
        }
        guard let imprint = TS_TST_INFO_get_msg_imprint(info), let algorithm = TS_MSG_IMPRINT_get_algo(imprint) else {
            throw malformed("the message imprint is missing")
        }
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        guard let hashAlgorithm = ASN1Values.oid(object) else {
            throw malformed("the message imprint has no hash algorithm")
        }
        self.der = der
        self.generationTime = time
        self.serialNumber = serial
        self.policy = policy
        self.nonce = nonce
        self.hashAlgorithm = hashAlgorithm
        self.messageImprint = ASN1Values.bytes(TS_MSG_IMPRINT_get_msg(imprint))
    }

    /// Decodes DER into an OpenSSL `PKCS7` (the caller frees it), rejecting trailing bytes.
    static func decodePKCS7(_ der: [UInt8]) throws -> UnsafeMutablePointer<PKCS7> {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw TimestampError.malformedToken(der.isEmpty ? "the token is empty" : "the token is too large")
        }
        return try der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let token = d2i_PKCS7(nil, &cursor, buffer.count) else {
                throw TimestampError.malformedToken(OpenSSLErrorQueue.drainText(fallback: "not DER"))
            }
            guard cursor == buffer.baseAddress! + buffer.count else {
                PKCS7_free(token)
                throw TimestampError.malformedToken("\(buffer.baseAddress! + buffer.count - cursor!) bytes follow the token")
            }
            return token
        }
    }
}
